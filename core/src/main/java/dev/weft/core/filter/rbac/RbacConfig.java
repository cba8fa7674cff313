package dev.weft.core.filter.rbac;

/**
 * One {@code rbac} filter's compiled config (the listener's, or a route's override): the enforced rules, the shadow
 * rules, and the strings the filter records per outcome, made once here so that an allowed request allocates none.
 * Immutable.
 */
public final class RbacConfig {
    private final String filterName;
    private final RbacEngine rules;
    private final RbacEngine shadowRules;
    /** Per policy index of {@link #rules}, then one for "no policy": what {@code %POLICY_DECISION%} says. */
    private final String[] allowedText;
    /** Per policy index of {@link #rules}, then one for "no policy": Envoy's response code details. */
    private final String[] deniedDetail;
    /** Per policy index of {@link #shadowRules}, then one for "no policy": the shadow's allowed verdict. */
    private final String[] shadowAllowedText;

    RbacConfig(String filterName, RbacEngine rules, RbacEngine shadowRules) {
        this.filterName = filterName;
        this.rules = rules;
        this.shadowRules = shadowRules;
        String tag = "rbac[" + filterName + "] ";
        int n = rules == null ? 0 : rules.size();
        allowedText = new String[n + 1];
        deniedDetail = new String[n + 1];
        boolean log = rules != null && rules.action() == RbacEngine.Action.LOG;
        for (int i = 0; i <= n; i++) {
            String policy = i < n ? rules.policyName(i) : null;
            allowedText[i] = tag + (log ? (policy == null ? "not_logged" : "logged") : "allowed") + " policy="
                    + (policy == null ? "-" : policy);
            // Envoy's detail: rbac_access_denied_matched_policy[<policy>], "none" when no policy matched
            deniedDetail[i] = "rbac_access_denied_matched_policy[" + (policy == null ? "none" : policy) + "]";
        }
        int s = shadowRules == null ? 0 : shadowRules.size();
        shadowAllowedText = new String[s + 1];
        for (int i = 0; i <= s; i++) {
            shadowAllowedText[i] = tag + "shadow allowed policy=" + (i < s ? shadowRules.policyName(i) : "-");
        }
    }

    public String filterName() {
        return filterName;
    }

    /** The enforced rules, or null (only shadow rules). */
    public RbacEngine rules() {
        return rules;
    }

    /** The shadow rules, or null. */
    public RbacEngine shadowRules() {
        return shadowRules;
    }

    String allowedText(int match) {
        return allowedText[match < 0 ? allowedText.length - 1 : match];
    }

    String deniedDetail(int match) {
        return deniedDetail[match < 0 ? deniedDetail.length - 1 : match];
    }

    String shadowAllowedText(int match) {
        return shadowAllowedText[match < 0 ? shadowAllowedText.length - 1 : match];
    }

    @Override
    public String toString() {
        return "rules: " + (rules == null ? "none" : rules) + ", shadow_rules: "
                + (shadowRules == null ? "none" : shadowRules);
    }
}
