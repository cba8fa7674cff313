package dev.weft.core.config;

import static dev.weft.core.config.ConfigTesting.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad RBAC configs: every problem is reported at its exact path, in document order. */
class RbacConfigErrorsTest {
    private static final String F = "listeners[0].http_filters[0]";

    /** A listener whose only filter is an rbac filter with {@code fields}, and a route plus {@code routeExtra}. */
    private static String filter(String fields, String routeExtra) {
        return FilterYaml.listener("- name: authz\n  type: rbac\n" + FilterYaml.indent(fields, 2), "",
                FilterYaml.route("/", "") + FilterYaml.indent(routeExtra, 0), "");
    }

    private static String filter(String fields) {
        return filter(fields, "");
    }

    @Test
    void reportsEveryMistakeOfAPolicyAtItsPath() {
        String p = F + ".rules.policies.admin";
        assertEquals(List.of(
                F + ".rules.action: must be one of ALLOW, DENY, LOG",
                p + ".permissions[0].header.name: is required",
                p + ".permissions[1].header.safe_regex_match.regex: invalid regex: Unclosed group near index 4",
                p + ".permissions[2].url_path.path.prefix: must not be empty",
                p + ".permissions[3].destination_ip.address_prefix: 'example.com' is not an IPv4 or IPv6 address",
                p + ".permissions[4].destination_ip.prefix_len: prefix_len must be 0..32 for 10.0.0.0",
                p + ".permissions[5].and_rules.rules: must not be empty",
                p + ".permissions[6].not_rule.method: 'GET POST' is not a method (RFC 9110 token)",
                p + ".permissions[7]: needs one of any, header, url_path, method, destination_port, "
                        + "destination_port_range, destination_ip, requested_server_name, and_rules, or_rules, "
                        + "not_rule",
                p + ".permissions[8].method: only one of any, header, url_path, method, destination_port, "
                        + "destination_port_range, destination_ip, requested_server_name, and_rules, or_rules, "
                        + "not_rule may be given (also url_path)",
                p + ".permissions[9].any: must be true (Envoy's any is a constant; to match nothing use not_rule / "
                        + "not_id of any: true)",
                p + ".permissions[10].header.name: unknown pseudo-header ':status'; known: :method, :path, "
                        + ":authority, :scheme",
                p + ".permissions[11].requested_server_name.exact: must be a string",
                p + ".principals[0].authenticated.principal_name.safe_regex.regex: invalid regex: Dangling "
                        + "meta character '*' near index 0",
                p + ".principals[1].remote_ip.prefix_len: is required: Envoy's default of 0 would match every "
                        + "address; write 32 (IPv4) or 128 (IPv6) for one address",
                p + ".principals[2].source_ip.address_prefix: '10.0.0.256' is not an IPv4 or IPv6 address",
                p + ".principals[3].jwt_claim.value: needs claim: the name of the claim whose value is matched",
                p + ".principals[4].or_ids.ids[0]: needs one of any, authenticated, source_ip, direct_remote_ip, "
                        + "remote_ip, header, url_path, jwt_claim, and_ids, or_ids, not_id",
                p + ".principals[4].or_ids.ids[0].bogus: unknown field",
                p + ".principals[5].authenticated.principal_name.ignore_case: has no effect on safe_regex "
                        + "(as in Envoy); write (?i) in the regex"),
                problems(filter("""
                        rules:
                          action: PERMIT
                          policies:
                            admin:
                              permissions:
                                - header: {exact_match: x}
                                - header: {name: x-a, safe_regex_match: {regex: "(abc"}}
                                - url_path: {path: {prefix: ""}}
                                - destination_ip: {address_prefix: example.com, prefix_len: 8}
                                - destination_ip: {address_prefix: 10.0.0.0, prefix_len: 33}
                                - and_rules: {rules: []}
                                - not_rule: {method: "GET POST"}
                                - {}
                                - {method: GET, url_path: {path: {exact: /}}}
                                - any: false
                                - header: {name: ":status", exact_match: "200"}
                                - requested_server_name: {exact: 42}
                              principals:
                                - authenticated: {principal_name: {safe_regex: {regex: "*"}}}
                                - remote_ip: {address_prefix: 10.0.0.0}
                                - source_ip: {address_prefix: 10.0.0.256, prefix_len: 32}
                                - jwt_claim: {value: admin}
                                - or_ids: {ids: [{bogus: 1}]}
                                - authenticated: {principal_name: {safe_regex: {regex: "a.*"}, ignore_case: true}}
                        """)));
    }

    @Test
    void allowWithoutPoliciesIsRefusedBecauseItDeniesEverything() {
        String message = "an ALLOW rule set without policies denies every request (as in Envoy); write that "
                + "explicitly as action: DENY with a policy of permissions [{any: true}] and principals "
                + "[{any: true}], or add policies";
        assertEquals(List.of(F + ".rules.policies: " + message), problems(filter("""
                        rules: {action: ALLOW}
                """)));
        assertEquals(List.of(F + ".shadow_rules.policies: " + message), problems(filter("""
                        shadow_rules: {policies: {}}
                """)));
    }

    @Test
    void aFilterNeedsRulesAndPoliciesNeedBothLists() {
        assertEquals(List.of(F + ": needs rules, shadow_rules or both"), problems(filter("")));
        assertEquals(List.of(
                F + ".rules.policies.p.principals: is required",
                F + ".rules.policies.q.permissions: must not be empty",
                F + ".rules.policies.bad name: a policy name must not be empty or contain spaces or control "
                        + "characters (it appears in response_code_details)"),
                problems(filter("""
                        rules:
                          policies:
                            p: {permissions: [{any: true}]}
                            q: {permissions: [], principals: [{any: true}]}
                            "bad name": {permissions: [{any: true}], principals: [{any: true}]}
                """)));
    }

    @Test
    void perRouteOverridesAreCheckedToo() {
        String route = "listeners[0].virtual_hosts[0].routes[1].per_filter_config.authz";
        assertEquals(List.of(
                route + ".rules.policies.p.permissions[0].method: must be a method or a list of methods",
                "listeners[0].virtual_hosts[0].routes[2].per_filter_config.authz.rbac: give rules and shadow_rules "
                        + "either inside rbac (Envoy's RBACPerRoute) or directly, not both",
                "listeners[0].virtual_hosts[0].routes[3].per_filter_config.authz.rbac: needs rules, shadow_rules or "
                        + "both (or disabled: true to turn the filter off on this route)"),
                problems(filter("""
                        rules:
                          action: DENY
                          policies: {}
                """, """
                          - match: {prefix: /a}
                            route: {cluster: backend}
                            per_filter_config:
                              authz: {rules: {policies: {p: {permissions: [{method: []}], principals: [{any: true}]}}}}
                          - match: {prefix: /b}
                            route: {cluster: backend}
                            per_filter_config:
                              authz: {rbac: {rules: {action: DENY}}, rules: {action: DENY}}
                          - match: {prefix: /c}
                            route: {cluster: backend}
                            per_filter_config:
                              authz: {rbac: {}}
                """)));
    }

    @Test
    void validConfigsLoad() {
        WeftConfig c = ConfigTesting.parse(filter("""
                        rules:
                          action: DENY
                          policies:
                            blocked:
                              permissions: [{url_path: {path: {prefix: /admin}}}]
                              principals: [{not_id: {remote_ip: {address_prefix: 10.0.0.0, prefix_len: 8}}}]
                        shadow_rules:
                          action: ALLOW
                          policies:
                            mesh:
                              permissions: [{any: true}]
                              principals: [{authenticated: {principal_name: {prefix: "spiffe://mesh/"}}}]
                """, """
                          - match: {prefix: /open}
                            route: {cluster: backend}
                            per_filter_config:
                              authz: {disabled: true}
                """));
        assertEquals("rbac", c.listeners().get(0).httpFilters().get(0).type());
    }
}
