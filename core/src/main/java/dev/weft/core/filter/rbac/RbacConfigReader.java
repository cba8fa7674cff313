package dev.weft.core.filter.rbac;

import dev.weft.core.config.YamlMap;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads an {@code rbac} filter's config (Envoy's {@code extensions.filters.http.rbac.v3.RBAC} field names) straight
 * into compiled {@link RbacEngine}s: regexes compiled and CIDRs parsed here, once per config snapshot. Every problem
 * is reported with its path, e.g. {@code listeners[0].http_filters[0].rules.policies.admin.permissions[1].header.name:
 * is required}; the result is only used when there were none.
 */
final class RbacConfigReader {
    static final String[] FILTER_FIELDS = {"rules", "shadow_rules"};
    /** {@code rbac} is Envoy's RBACPerRoute wrapper; {@code rules} / {@code shadow_rules} directly is Weft's. */
    static final String[] PER_ROUTE_FIELDS = {"rules", "shadow_rules", "rbac"};
    private static final String[] RBAC_FIELDS = {"action", "policies"};
    private static final String[] POLICY_FIELDS = {"permissions", "principals"};
    private static final String[] PERMISSION_FIELDS = {"any", "header", "url_path", "method", "destination_port",
            "destination_port_range", "destination_ip", "requested_server_name", "and_rules", "or_rules",
            "not_rule"};
    private static final String[] PRINCIPAL_FIELDS = {"any", "authenticated", "source_ip", "direct_remote_ip",
            "remote_ip", "header", "url_path", "jwt_claim", "and_ids", "or_ids", "not_id"};
    private static final String[] PRINCIPAL_NAME_FIELDS = {"principal_name"};
    private static final String[] PATH_FIELDS = {"path"};
    private static final String[] RULES_FIELDS = {"rules"};
    private static final String[] IDS_FIELDS = {"ids"};
    private static final String[] PORT_RANGE_FIELDS = {"start", "end"};
    private static final String[] JWT_FIELDS = {"provider", "issuer", "subject", "claim", "value"};

    private RbacConfigReader() {
    }

    /** The filter's own config: {@code rules} and / or {@code shadow_rules}. */
    static RbacConfig filter(YamlMap m, String filterName) {
        if (!m.has("rules") && !m.has("shadow_rules")) {
            m.problem("needs rules, shadow_rules or both");
            return null;
        }
        return new RbacConfig(filterName, engine(m, "rules"), engine(m, "shadow_rules"));
    }

    /** A route's override: Envoy's {@code rbac: {rules, shadow_rules}} or the same two fields directly. */
    static RbacConfig perRoute(YamlMap m, String filterName) {
        if (m.has("rbac")) {
            if (m.has("rules") || m.has("shadow_rules")) {
                m.problem("rbac", "give rules and shadow_rules either inside rbac (Envoy's RBACPerRoute) or "
                        + "directly, not both");
                return null;
            }
            YamlMap inner = m.map("rbac", FILTER_FIELDS);
            return inner == null ? null : perRouteRules(inner, filterName);
        }
        return perRouteRules(m, filterName);
    }

    private static RbacConfig perRouteRules(YamlMap m, String filterName) {
        if (!m.has("rules") && !m.has("shadow_rules")) {
            m.problem("needs rules, shadow_rules or both (or disabled: true to turn the filter off on this route)");
            return null;
        }
        return new RbacConfig(filterName, engine(m, "rules"), engine(m, "shadow_rules"));
    }

    /** Envoy's {@code config.rbac.v3.RBAC} at {@code parent.field}, or null when absent (or bad: reported). */
    private static RbacEngine engine(YamlMap parent, String field) {
        YamlMap m = parent.map(field, RBAC_FIELDS);
        if (m == null) {
            return null;
        }
        RbacEngine.Action action = m.oneOf("action", RbacEngine.Action.class, RbacEngine.Action.ALLOW);
        List<RbacPolicy> policies = new ArrayList<>();
        YamlMap all = m.anyMap("policies");
        if (all != null) {
            for (String name : all.keys()) {
                RbacPolicy p = policy(all, name);
                if (p != null) {
                    policies.add(p);
                }
            }
        }
        if (action == RbacEngine.Action.ALLOW && (all == null || all.keys().isEmpty())) {
            m.problemAt(all == null ? null : all.node(), m.path("policies"), "an ALLOW rule set without policies "
                    + "denies every request (as in Envoy); write that explicitly as action: DENY with a policy of "
                    + "permissions [{any: true}] and principals [{any: true}], or add policies");
            return null;
        }
        return new RbacEngine(action, policies);
    }

    private static RbacPolicy policy(YamlMap all, String name) {
        YamlMap p = all.map(name, POLICY_FIELDS);
        if (p == null) {
            return null;
        }
        if (!validPolicyName(name)) {
            all.problem(name, "a policy name must not be empty or contain spaces or control characters (it "
                    + "appears in response_code_details)");
        }
        List<RbacMatcher> permissions = new ArrayList<>();
        List<Node> items = p.requiredList("permissions");
        for (int i = 0; i < items.size(); i++) {
            permissions.add(permission(p, items.get(i), p.itemPath("permissions", i)));
        }
        List<RbacMatcher> principals = new ArrayList<>();
        items = p.requiredList("principals");
        for (int i = 0; i < items.size(); i++) {
            principals.add(principal(p, items.get(i), p.itemPath("principals", i)));
        }
        if (permissions.contains(null) || principals.contains(null) || !validPolicyName(name)) {
            return null;
        }
        return new RbacPolicy(name, permissions.toArray(RbacMatcher[]::new), principals.toArray(RbacMatcher[]::new));
    }

    private static boolean validPolicyName(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c > 0x20 && c != 0x7f);
    }

    /** Envoy's {@code config.rbac.v3.Permission} at {@code node}: exactly one rule. */
    static RbacMatcher permission(YamlMap parent, Node node, String path) {
        YamlMap m = parent.mapAt(node, path, PERMISSION_FIELDS);
        if (m == null) {
            return null;
        }
        String kind = ValueReader.onlyOne(m, PERMISSION_FIELDS);
        if (kind == null) {
            return null;
        }
        return switch (kind) {
            case "any" -> any(m);
            case "header" -> header(m);
            case "url_path" -> urlPath(m);
            case "method" -> method(m);
            case "destination_port" -> {
                Integer port = m.requiredInteger(kind, 0, 65535);
                yield port == null ? null : new Matchers.DestinationPort(port);
            }
            case "destination_port_range" -> portRange(m);
            case "destination_ip" -> {
                Cidr c = ValueReader.cidr(m, kind);
                yield c == null ? null : new Matchers.DestinationIp(c);
            }
            case "requested_server_name" -> {
                StringMatcher s = ValueReader.stringMatcher(m, kind);
                yield s == null ? null : new Matchers.ServerName(s);
            }
            case "and_rules", "or_rules" -> {
                RbacMatcher[] rules = set(m, kind, "rules", RULES_FIELDS, true);
                yield rules == null ? null : kind.equals("and_rules") ? new Matchers.And(kind, rules)
                        : new Matchers.Or(kind, rules);
            }
            default -> { // not_rule
                RbacMatcher inner = permission(m, m.value(kind), m.path(kind));
                yield inner == null ? null : new Matchers.Not(kind, inner);
            }
        };
    }

    /** Envoy's {@code config.rbac.v3.Principal} at {@code node}, plus Weft's {@code jwt_claim}: exactly one. */
    static RbacMatcher principal(YamlMap parent, Node node, String path) {
        YamlMap m = parent.mapAt(node, path, PRINCIPAL_FIELDS);
        if (m == null) {
            return null;
        }
        String kind = ValueReader.onlyOne(m, PRINCIPAL_FIELDS);
        if (kind == null) {
            return null;
        }
        return switch (kind) {
            case "any" -> any(m);
            case "authenticated" -> {
                YamlMap a = m.map(kind, PRINCIPAL_NAME_FIELDS);
                if (a == null) {
                    yield null;
                }
                if (!a.has("principal_name")) {
                    yield new Matchers.Authenticated(null);
                }
                StringMatcher name = ValueReader.stringMatcher(a, "principal_name");
                yield name == null ? null : new Matchers.Authenticated(name);
            }
            case "source_ip", "direct_remote_ip" -> {
                Cidr c = ValueReader.cidr(m, kind);
                yield c == null ? null : new Matchers.DirectRemoteIp(kind, c);
            }
            case "remote_ip" -> {
                Cidr c = ValueReader.cidr(m, kind);
                yield c == null ? null : new Matchers.RemoteIp(c);
            }
            case "header" -> header(m);
            case "url_path" -> urlPath(m);
            case "jwt_claim" -> jwtClaim(m);
            case "and_ids", "or_ids" -> {
                RbacMatcher[] ids = set(m, kind, "ids", IDS_FIELDS, false);
                yield ids == null ? null : kind.equals("and_ids") ? new Matchers.And(kind, ids)
                        : new Matchers.Or(kind, ids);
            }
            default -> { // not_id
                RbacMatcher inner = principal(m, m.value(kind), m.path(kind));
                yield inner == null ? null : new Matchers.Not(kind, inner);
            }
        };
    }

    private static RbacMatcher any(YamlMap m) {
        if (!m.bool("any", false)) {
            m.problem("any", "must be true (Envoy's any is a constant; to match nothing use not_rule / not_id "
                    + "of any: true)");
            return null;
        }
        return Matchers.ANY;
    }

    private static RbacMatcher header(YamlMap m) {
        HeaderMatcher h = ValueReader.header(m, m.value("header"), m.path("header"));
        return h == null ? null : new Matchers.Header(h);
    }

    private static RbacMatcher urlPath(YamlMap m) {
        YamlMap u = m.map("url_path", PATH_FIELDS);
        if (u == null || !u.require("path")) {
            return null;
        }
        StringMatcher s = ValueReader.stringMatcher(u, "path");
        return s == null ? null : new Matchers.UrlPath(s);
    }

    private static RbacMatcher method(YamlMap m) {
        List<String> methods = m.value("method") instanceof SequenceNode ? m.strings("method")
                : singleton(m.string("method", null));
        if (methods.isEmpty()) {
            m.problem("method", "must be a method or a list of methods");
            return null;
        }
        for (String method : methods) {
            if (!dev.weft.core.filter.HttpTokens.isToken(method)) {
                m.problem("method", "'" + method + "' is not a method (RFC 9110 token)");
                return null;
            }
        }
        return new Matchers.Method(methods.toArray(String[]::new));
    }

    private static List<String> singleton(String s) {
        return s == null ? List.of() : List.of(s);
    }

    private static RbacMatcher portRange(YamlMap m) {
        YamlMap r = m.map("destination_port_range", PORT_RANGE_FIELDS);
        Integer start = r == null ? null : r.requiredInteger("start", 0, 65535);
        Integer end = r == null ? null : r.requiredInteger("end", 1, 65536);
        if (start == null || end == null) {
            return null;
        }
        if (start >= end) {
            r.problem("end", "must be greater than start (the range is [start, end))");
            return null;
        }
        return new Matchers.DestinationPortRange(start, end);
    }

    private static RbacMatcher jwtClaim(YamlMap m) {
        YamlMap j = m.map("jwt_claim", JWT_FIELDS);
        if (j == null) {
            return null;
        }
        if (j.keys().isEmpty()) {
            j.problem("needs at least one of " + String.join(", ", JWT_FIELDS));
            return null;
        }
        String provider = j.string("provider", null);
        StringMatcher issuer = j.has("issuer") ? ValueReader.stringMatcherOrExact(j, "issuer") : null;
        StringMatcher subject = j.has("subject") ? ValueReader.stringMatcherOrExact(j, "subject") : null;
        String claim = j.string("claim", null);
        StringMatcher value = j.has("value") ? ValueReader.stringMatcherOrExact(j, "value") : null;
        if (j.has("value") && !j.has("claim")) {
            j.problem("value", "needs claim: the name of the claim whose value is matched");
            return null;
        }
        if (claim != null && claim.isEmpty()) {
            j.problem("claim", "must not be empty");
            return null;
        }
        if ((j.has("provider") && provider == null) || (j.has("issuer") && issuer == null)
                || (j.has("subject") && subject == null) || (j.has("claim") && claim == null)
                || (j.has("value") && value == null)) {
            return null;
        }
        return JwtClaimMatcher.of(provider, issuer, subject, claim, value);
    }

    /** {@code and_rules: {rules: [...]}} and the like: a non-empty list of permissions or principals. */
    private static RbacMatcher[] set(YamlMap m, String field, String listField, String[] fields,
                                     boolean permissions) {
        YamlMap s = m.map(field, fields);
        if (s == null) {
            return null;
        }
        List<Node> items = s.requiredList(listField);
        if (items.isEmpty()) {
            return null;
        }
        RbacMatcher[] out = new RbacMatcher[items.size()];
        boolean ok = true;
        for (int i = 0; i < out.length; i++) {
            String path = s.itemPath(listField, i);
            out[i] = permissions ? permission(s, items.get(i), path) : principal(s, items.get(i), path);
            ok &= out[i] != null;
        }
        return ok ? out : null;
    }
}
