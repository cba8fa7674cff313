package dev.weft.core.filter.rbac;

import dev.weft.core.filter.FilterRequest;
import java.util.Comparator;
import java.util.List;

/**
 * One compiled {@code config.rbac.v3.RBAC}: an action and its policies, in Envoy's evaluation order (sorted by name,
 * so the effective policy of a request that several match is the same as Envoy's). Immutable and shared by every
 * request of a snapshot; {@link #firstMatch} is the whole hot path.
 */
public final class RbacEngine {

    /** Envoy's {@code RBAC.Action}. */
    public enum Action {
        /** Allowed when some policy matches; denied when none does (no policies: everything is denied). */
        ALLOW,
        /** Denied when some policy matches. */
        DENY,
        /** Never denies; counts and records whether some policy matched (Envoy's logging action). */
        LOG
    }

    private final Action action;
    private final RbacPolicy[] policies;

    public RbacEngine(Action action, List<RbacPolicy> policies) {
        this.action = action;
        this.policies = policies.stream()
                .sorted(Comparator.comparing(RbacPolicy::name))
                .toArray(RbacPolicy[]::new);
    }

    public Action action() {
        return action;
    }

    /** The policies in evaluation order. */
    public List<RbacPolicy> policies() {
        return List.of(policies);
    }

    /** The index (in {@link #policies()}) of the first policy the request matches, or -1. Allocates nothing. */
    public int firstMatch(FilterRequest request) {
        for (int i = 0; i < policies.length; i++) {
            if (policies[i].matches(request)) {
                return i;
            }
        }
        return -1;
    }

    /** The verdict for {@link #firstMatch}'s result: LOG always allows. */
    public boolean allows(int match) {
        return switch (action) {
            case ALLOW -> match >= 0;
            case DENY -> match < 0;
            case LOG -> true;
        };
    }

    /** The name of policy {@code index}, or null for -1. */
    public String policyName(int index) {
        return index < 0 ? null : policies[index].name();
    }

    RbacPolicy policy(int index) {
        return policies[index];
    }

    int size() {
        return policies.length;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(action.name()).append(" {");
        for (int i = 0; i < policies.length; i++) {
            b.append(i == 0 ? "" : "; ").append(policies[i]);
        }
        return b.append('}').toString();
    }
}
