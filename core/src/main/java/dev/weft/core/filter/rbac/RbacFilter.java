package dev.weft.core.filter.rbac;

import dev.weft.admin.stats.Counter;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.LocalReply;
import dev.weft.core.proxy.ResponseFlag;

/**
 * Envoy's RBAC HTTP filter: evaluates the shadow rules (counted and recorded, never enforced), then the enforced
 * rules, and answers a denied request with 403 {@code RBAC: access denied}. Built once per listener and snapshot;
 * a route's {@code per_filter_config} may replace both rule sets (Envoy's RBACPerRoute).
 *
 * <p>An allowed request costs the policy evaluation, counter increments and the access log's metadata entries; the
 * decision trace (addresses, SANs, near misses) is built only for a denial.
 */
final class RbacFilter implements HttpFilter {
    /** Envoy's body for an RBAC denial. */
    static final String DENIED_BODY = "RBAC: access denied";
    /** The dynamic metadata namespace: {@code %DYNAMIC_METADATA(rbac:engine_result)%}. */
    static final String NAMESPACE = "rbac";

    private final RbacConfig config;
    private final String listener;
    private final DenialLog denials;
    private final Counter allowed;
    private final Counter denied;
    private final Counter shadowAllowed;
    private final Counter shadowDenied;
    private final Counter logged;
    private final Counter notLogged;

    RbacFilter(RbacConfig config, FilterContext context) {
        this.config = config;
        this.listener = context.listenerName();
        this.denials = context.shared(DenialLog.class, DenialLog::new);
        this.allowed = context.counter("rbac.allowed", "Requests the RBAC rules allowed");
        this.denied = context.counter("rbac.denied", "Requests the RBAC rules denied");
        this.shadowAllowed = context.counter("rbac.shadow_allowed", "Requests the shadow RBAC rules would allow");
        this.shadowDenied = context.counter("rbac.shadow_denied", "Requests the shadow RBAC rules would deny");
        this.logged = context.counter("rbac.logged", "Requests a LOG action's policies matched");
        this.notLogged = context.counter("rbac.not_logged", "Requests no policy of a LOG action matched");
    }

    RbacConfig config() {
        return config;
    }

    @Override
    public LocalReply onRequest(FilterRequest r, Object routeConfig) {
        RbacConfig c = routeConfig instanceof RbacConfig override ? override : config;
        RbacEngine shadow = c.shadowRules();
        String shadowResult = null;
        String shadowPolicy = null;
        if (shadow != null) {
            int match = shadow.firstMatch(r);
            shadowPolicy = shadow.policyName(match);
            boolean ok = shadow.allows(match);
            shadowResult = ok ? "allowed" : "denied";
            (ok ? shadowAllowed : shadowDenied).increment();
            if (shadowPolicy != null) {
                r.metadata("rbac:shadow_effective_policy_id", shadowPolicy);
            }
            r.metadata("rbac:shadow_engine_result", shadowResult);
            r.decision(ok ? c.shadowAllowedText(match)
                    : DecisionTrace.of(listener, c.filterName(), r, "shadow_denied", shadow, match, null, null).text());
        }
        RbacEngine rules = c.rules();
        if (rules == null) {
            return null;
        }
        int match = rules.firstMatch(r);
        boolean ok = rules.allows(match);
        if (match >= 0) {
            r.metadata("rbac:effective_policy_id", rules.policyName(match));
        }
        r.metadata("rbac:engine_result", ok ? "allowed" : "denied");
        if (rules.action() == RbacEngine.Action.LOG) {
            (match >= 0 ? logged : notLogged).increment();
        }
        if (ok) {
            allowed.increment();
            r.decision(c.allowedText(match));
            return null;
        }
        denied.increment();
        DecisionTrace trace = DecisionTrace.of(listener, c.filterName(), r, "denied", rules, match, shadowResult,
                shadowPolicy);
        denials.add(trace);
        r.decision(trace.text());
        // Envoy has no response flag for an RBAC denial; the detail names the policy
        return LocalReply.text(403, DENIED_BODY, ResponseFlag.NONE, c.deniedDetail(match));
    }
}
