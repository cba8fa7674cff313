package dev.weft.core.router;

import dev.weft.codec.http1.HeadWriter;
import dev.weft.codec.http1.MessageHead;
import dev.weft.core.config.HeaderValueOption;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The header mutations of one direction of a route, merged with its virtual host's and precomputed so that applying
 * them while copying a head costs a few string comparisons per field. Immutable.
 *
 * <p>Order, as in Envoy: the route's options come before the virtual host's, so with ADD_IF_ABSENT or
 * OVERWRITE_IF_EXISTS_OR_ADD the more specific level wins.
 */
public final class HeaderPlan {
    public static final HeaderPlan EMPTY = new HeaderPlan(List.of(), List.of());

    /** Lower-case names dropped from the original head: removals and the targets of overwrites. */
    private final String[] skip;
    private final HeaderValueOption[] add;

    HeaderPlan(List<String> remove, List<HeaderValueOption> add) {
        Set<String> s = new LinkedHashSet<>(remove);
        for (HeaderValueOption o : add) {
            if (o.action() == HeaderValueOption.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD) {
                s.add(o.key());
            }
        }
        this.skip = s.toArray(String[]::new);
        this.add = add.toArray(HeaderValueOption[]::new);
    }

    static HeaderPlan merge(List<String> r1, List<HeaderValueOption> a1, List<String> r2, List<HeaderValueOption> a2) {
        if (r1.isEmpty() && a1.isEmpty() && r2.isEmpty() && a2.isEmpty()) {
            return EMPTY;
        }
        List<String> r = new ArrayList<>(r1);
        r.addAll(r2);
        List<HeaderValueOption> a = new ArrayList<>(a1);
        a.addAll(a2);
        return new HeaderPlan(r, a);
    }

    /**
     * This plan with a filter chain's changes in front: {@code drop} names removed from the original head, {@code set}
     * fields that replace any of the same name (the filters' word wins over the route's add-if-absent), and
     * {@code append} fields added as well.
     */
    public HeaderPlan with(List<String> drop, List<String[]> set, List<String[]> append) {
        if (drop.isEmpty() && set.isEmpty() && append.isEmpty()) {
            return this;
        }
        // built straight into arrays: this runs per request on listeners with filters (a repeated skip name is harmless)
        String[] skips = new String[drop.size() + set.size() + skip.length];
        int n = 0;
        for (int i = 0; i < drop.size(); i++) {
            skips[n++] = drop.get(i);
        }
        for (int i = 0; i < set.size(); i++) {
            skips[n++] = set.get(i)[0];
        }
        System.arraycopy(skip, 0, skips, n, skip.length);
        HeaderValueOption[] adds = new HeaderValueOption[set.size() + append.size() + add.length];
        int m = 0;
        for (int i = 0; i < set.size(); i++) {
            String[] h = set.get(i);
            adds[m++] = new HeaderValueOption(h[0], h[1], HeaderValueOption.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
        }
        for (int i = 0; i < append.size(); i++) {
            String[] h = append.get(i);
            adds[m++] = new HeaderValueOption(h[0], h[1], HeaderValueOption.AppendAction.APPEND_IF_EXISTS_OR_ADD);
        }
        for (HeaderValueOption o : add) {
            if (!set.isEmpty() && setsName(set, o.key())) {
                continue; // the filter's value replaces the route's for this request
            }
            adds[m++] = o;
        }
        return new HeaderPlan(skips, m == adds.length ? adds : java.util.Arrays.copyOf(adds, m));
    }

    private HeaderPlan(String[] skip, HeaderValueOption[] add) {
        this.skip = skip;
        this.add = add;
    }

    private static boolean setsName(List<String[]> set, String name) {
        for (String[] h : set) {
            if (h[0].equals(name)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return skip.length == 0 && add.length == 0;
    }

    /** True when field {@code i} of the original head is to be dropped. */
    public boolean skips(MessageHead head, int i) {
        for (String name : skip) {
            if (head.nameIs(i, name)) {
                return true;
            }
        }
        return false;
    }

    /** Writes the added fields; ADD_IF_ABSENT looks at the original head and at what this plan already added. */
    public void writeAdds(HeadWriter out, MessageHead original) {
        for (int k = 0; k < add.length; k++) {
            HeaderValueOption o = add[k];
            if (o.action() == HeaderValueOption.AppendAction.ADD_IF_ABSENT) {
                if (original != null && original.indexOf(o.key(), 0) >= 0 && !skipped(o.key())) {
                    continue;
                }
                if (addedBefore(k, o.key())) {
                    continue;
                }
            } else if (o.action() == HeaderValueOption.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD && addedBefore(k, o.key())
                    && add[firstAdd(o.key())].action() == HeaderValueOption.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD) {
                continue; // the more specific overwrite already set it
            }
            out.field(o.key(), o.value());
        }
    }

    /**
     * {@link #writeAdds(HeadWriter, MessageHead)} for heads that are not HTTP/1.1 messages (HTTP/2 field lists):
     * {@code originalHas} says whether the original carries a field.
     */
    public void writeAdds(java.util.function.BiConsumer<String, String> out,
                          java.util.function.Predicate<String> originalHas) {
        for (int k = 0; k < add.length; k++) {
            HeaderValueOption o = add[k];
            if (o.action() == HeaderValueOption.AppendAction.ADD_IF_ABSENT) {
                if (originalHas.test(o.key()) && !skipped(o.key())) {
                    continue;
                }
                if (addedBefore(k, o.key())) {
                    continue;
                }
            } else if (o.action() == HeaderValueOption.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD && addedBefore(k, o.key())
                    && add[firstAdd(o.key())].action() == HeaderValueOption.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD) {
                continue;
            }
            out.accept(o.key(), o.value());
        }
    }

    private boolean skipped(String name) {
        for (String s : skip) {
            if (s.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean addedBefore(int k, String key) {
        for (int j = 0; j < k; j++) {
            if (add[j].key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    private int firstAdd(String key) {
        for (int j = 0; j < add.length; j++) {
            if (add[j].key().equals(key)) {
                return j;
            }
        }
        return -1;
    }

    /** True when this plan removes or overwrites {@code lowerName}. */
    public boolean removes(String lowerName) {
        return skipped(lowerName);
    }
}
