package dev.weft.core.filter.rbac;

import dev.weft.admin.server.Json;
import dev.weft.core.config.PerFilterConfig;
import dev.weft.core.filter.FilterChain;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.SharedState;
import dev.weft.core.router.PathForm;
import dev.weft.core.router.Route;
import dev.weft.core.router.Router;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;

/**
 * The data-plane side of the admin server's {@code GET /authz/denials} and {@code POST /authz/explain}: renders the
 * denial ring, and evaluates a described request against every RBAC filter of a listener's live chain, reporting
 * per policy which permissions and principals matched. Runs on an admin connection's thread; reads only immutable
 * config and the lock-free ring.
 */
public final class AuthzAdmin {

    /**
     * What explaining needs of a listener.
     *
     * @param trustedHops  the listener's {@code http.xff_num_trusted_hops}
     * @param rejectPaths  the listener's {@code http.reject_non_canonical_paths}
     */
    public record Target(String listener, InetSocketAddress localAddress, int trustedHops, boolean rejectPaths,
                         Router router, FilterChain chain) {
    }

    private AuthzAdmin() {
    }

    /** The last {@code last} denials, newest first, as a JSON array ("[]" before the first). */
    public static String denialsJson(SharedState state, int last) {
        DenialLog log = state.find(DenialLog.class);
        Json j = new Json().beginArray();
        if (log != null) {
            for (DecisionTrace t : log.recent(last)) {
                t.json(j);
            }
        }
        return j.endArray().toString();
    }

    /**
     * Explains the described request.
     *
     * @param listeners the target of a listener name (null when the body names none), or an
     *                  IllegalArgumentException saying which names exist
     */
    public static String explainJson(String body, Function<String, Target> listeners) {
        ExplainRequest described = ExplainRequest.parse(body);
        Target target = listeners.apply(described.listener());
        FilterRequest r = described.toFilterRequest(target.router(), target.localAddress(), target.trustedHops());
        Route route = r.route();
        Json j = new Json().beginObject()
                .field("listener", target.listener())
                .field("route", route == null ? null : route.displayName());
        j.name("request");
        DecisionTrace.of(target.listener(), "-", r, "-", null, -1, null, null).principalJson(j);
        FilterChain chain = target.chain();
        // as on the request path: a path in another spelling than the one policies match is refused before any
        // filter runs (Http1Connection, StreamHandler)
        String pathProblem = chain.isEmpty() || !target.rejectPaths() ? null : PathForm.problem(described.path());
        if (pathProblem != null) {
            j.name("filters").beginArray().endArray();
            return j.field("verdict", "rejected").field("denied_by", null).field("response_code", 400)
                    .field("response_code_details", PathForm.DETAIL).field("reason", pathProblem + " (the listener's "
                            + "http.reject_non_canonical_paths: no filter runs)")
                    .endObject().toString();
        }
        String verdict = "allowed";
        String deniedBy = null;
        j.name("filters").beginArray();
        List<String> names = chain.names();
        for (int i = 0; i < names.size(); i++) {
            HttpFilter f = chain.filter(i);
            if (!(f instanceof RbacFilter rbac)) {
                j.beginObject().field("filter", names.get(i)).field("type", "other")
                        .field("note", "not evaluated: describe its effect in the request (e.g. jwt)").endObject();
                continue;
            }
            PerFilterConfig override = route == null ? null : route.perFilterConfig(names.get(i));
            j.beginObject().field("filter", names.get(i)).field("type", RbacFilterFactory.TYPE);
            if (override != null && override.disabled()) {
                j.field("disabled_on_route", true).endObject();
                continue;
            }
            RbacConfig c = override != null && override.config() instanceof RbacConfig rc ? rc : rbac.config();
            j.field("route_override", c != rbac.config());
            boolean allowed = engine(j, "enforced", c.rules(), r, c);
            engine(j, "shadow", c.shadowRules(), r, null);
            j.field("result", allowed ? "allowed" : "denied").endObject();
            if (!allowed && deniedBy == null) {
                verdict = "denied";
                deniedBy = names.get(i);
            }
        }
        j.endArray();
        j.field("verdict", verdict).field("denied_by", deniedBy);
        return j.endObject().toString();
    }

    /** Writes one engine's evaluation, every policy and rule evaluated (no short cut); returns its verdict. */
    private static boolean engine(Json j, String name, RbacEngine engine, FilterRequest r, RbacConfig details) {
        j.name(name);
        if (engine == null) {
            j.value((String) null);
            return true;
        }
        int match = engine.firstMatch(r);
        boolean allowed = engine.allows(match);
        j.beginObject()
                .field("action", engine.action().name())
                .field("result", allowed ? "allowed" : "denied")
                .field("matched_policy", engine.policyName(match));
        if (details != null && !allowed) {
            j.field("response_code_details", details.deniedDetail(match));
        }
        j.name("policies").beginArray();
        for (RbacPolicy p : engine.policies()) {
            j.beginObject().field("name", p.name()).field("matched", p.matches(r));
            rules(j, "permissions", p.permissions(), r);
            rules(j, "principals", p.principals(), r);
            j.endObject();
        }
        j.endArray().endObject();
        return allowed;
    }

    private static void rules(Json j, String name, RbacMatcher[] rules, FilterRequest r) {
        j.name(name).beginArray();
        for (RbacMatcher m : rules) {
            j.beginObject().field("rule", RbacMatcher.describe(m)).field("matched", m.matches(r)).endObject();
        }
        j.endArray();
    }
}
