package dev.weft.core.filter.rbac;

import static dev.weft.core.filter.rbac.RbacTesting.allow;
import static dev.weft.core.filter.rbac.RbacTesting.config;
import static dev.weft.core.filter.rbac.RbacTesting.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.VerifiedJwt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compiled matcher tree: every permission and principal kind, with Envoy's edge cases. */
class RbacMatcherTest {
    private static final String ANY = "[{any: true}]";

    private static boolean permits(String permission, FilterRequest r) {
        return allow("[" + permission + "]", ANY).firstMatch(r) == 0;
    }

    private static boolean admits(String principal, FilterRequest r) {
        return allow(ANY, "[" + principal + "]").firstMatch(r) == 0;
    }

    @Test
    void aPolicyNeedsSomePermissionAndSomePrincipal() {
        RbacEngine e = allow("[{url_path: {path: {prefix: /a}}}, {url_path: {path: {prefix: /b}}}]",
                "[{header: {name: x-user, exact_match: alice}}, {header: {name: x-user, exact_match: bob}}]");
        assertEquals(0, e.firstMatch(request().path("/b/1").header("x-user", "alice").build()));
        assertEquals(-1, e.firstMatch(request().path("/c").header("x-user", "alice").build()), "no permission");
        assertEquals(-1, e.firstMatch(request().path("/a").header("x-user", "carol").build()), "no principal");
    }

    @Test
    void headerMatchersFollowEnvoy() {
        FilterRequest r = request().header("x-tenant", "Acme").header("x-num", "42").build();
        assertTrue(permits("{header: {name: x-tenant, exact_match: Acme}}", r));
        assertFalse(permits("{header: {name: x-tenant, exact_match: acme}}", r), "exact_match is case-sensitive");
        assertTrue(permits("{header: {name: X-Tenant, prefix_match: Ac}}", r), "names are case-insensitive");
        assertTrue(permits("{header: {name: x-tenant, suffix_match: me}}", r));
        assertTrue(permits("{header: {name: x-tenant, contains_match: cm}}", r));
        assertTrue(permits("{header: {name: x-tenant, safe_regex_match: {regex: \"A[a-z]+\"}}}", r));
        assertFalse(permits("{header: {name: x-tenant, safe_regex_match: {regex: \"A\"}}}", r), "full match");
        assertTrue(permits("{header: {name: x-tenant, string_match: {exact: acme, ignore_case: true}}}", r));
        assertTrue(permits("{header: {name: x-num, range_match: {start: 40, end: 43}}}", r));
        assertFalse(permits("{header: {name: x-num, range_match: {start: 40, end: 42}}}", r), "end is exclusive");
        assertTrue(permits("{header: {name: x-tenant, exact_match: Other, invert_match: true}}", r));
        assertTrue(permits("{header: {name: x-tenant}}", r), "no specifier: present");
        assertTrue(permits("{header: {name: x-tenant, present_match: true}}", r));
        assertFalse(permits("{header: {name: x-tenant, present_match: false}}", r));
    }

    @Test
    void aMissingHeaderMatchesOnlyAnAbsenceTest() {
        FilterRequest r = request().build();
        assertFalse(permits("{header: {name: x-gone, exact_match: a}}", r));
        assertFalse(permits("{header: {name: x-gone, exact_match: a, invert_match: true}}", r),
                "Envoy: inverting a value matcher does not make a missing header match");
        assertTrue(permits("{header: {name: x-gone, present_match: false}}", r));
        assertTrue(permits("{header: {name: x-gone, present_match: true, invert_match: true}}", r));
        assertFalse(permits("{header: {name: x-gone, present_match: true}}", r));
        assertTrue(permits("{header: {name: x-gone, exact_match: \"\", treat_missing_header_as_empty: true}}", r));
    }

    @Test
    void repeatedHeadersAreJoinedWithCommas() {
        FilterRequest r = request().header("x-role", "a").header("x-role", "b").build();
        assertTrue(permits("{header: {name: x-role, exact_match: \"a,b\"}}", r));
    }

    @Test
    void pseudoHeadersReadTheRequestLine() {
        FilterRequest r = request().method("POST").path("/items?id=7").build();
        assertTrue(permits("{header: {name: \":method\", exact_match: POST}}", r));
        assertTrue(permits("{header: {name: \":path\", exact_match: \"/items?id=7\"}}", r), ":path has the query");
        assertTrue(permits("{header: {name: \":authority\", exact_match: api.example.com}}", r));
        assertTrue(permits("{header: {name: host, exact_match: api.example.com}}", r), "host is :authority");
        assertTrue(permits("{header: {name: \":scheme\", exact_match: http}}", r));
    }

    @Test
    void urlPathIgnoresTheQuery() {
        FilterRequest r = request().path("/api/v1/users?admin=true").build();
        assertTrue(permits("{url_path: {path: {exact: /api/v1/users}}}", r));
        assertTrue(permits("{url_path: {path: {prefix: /API/, ignore_case: true}}}", r));
        assertFalse(permits("{url_path: {path: {prefix: /API/}}}", r));
        assertTrue(permits("{url_path: {path: {suffix: /USERS, ignore_case: true}}}", r));
        assertTrue(permits("{url_path: {path: {contains: V1, ignore_case: true}}}", r));
        assertTrue(permits("{url_path: {path: {safe_regex: {regex: \"/api/v[0-9]+/users\"}}}}", r));
        assertFalse(permits("{url_path: {path: {safe_regex: {regex: \"/other/.*\"}}}}", r));
    }

    @Test
    void aRegexThatOverflowsTheStackFailsTheFilterInsteadOfDeciding() {
        // both verdicts would be wrong for one of ALLOW / DENY: the chain turns the exception into a 500
        RbacEngine deny = config("""
                        rules:
                          action: DENY
                          policies:
                            p: {permissions: [{header: {name: x-v, safe_regex_match: {regex: "(a|b)*"}}}],
                                principals: [{any: true}]}
                """).rules();
        FilterRequest r = request().header("x-v", "ab".repeat(200_000)).build();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> deny.firstMatch(r));
        assertTrue(e.getMessage().contains("overflowed the stack"), e.getMessage());
    }

    @Test
    void methodIsOneOrAList() {
        FilterRequest get = request().method("GET").build();
        assertTrue(permits("{method: GET}", get));
        assertTrue(permits("{method: [PUT, GET]}", get));
        assertFalse(permits("{method: [PUT, POST]}", get));
        assertFalse(permits("{method: get}", get), "methods are case-sensitive (RFC 9110 section 9.1)");
    }

    @Test
    void destinationPortAndIp() {
        FilterRequest r = request().local("10.1.2.3", 8443).build();
        assertTrue(permits("{destination_port: 8443}", r));
        assertFalse(permits("{destination_port: 443}", r));
        assertTrue(permits("{destination_port_range: {start: 8000, end: 9000}}", r));
        assertFalse(permits("{destination_port_range: {start: 8000, end: 8443}}", r));
        assertTrue(permits("{destination_ip: {address_prefix: 10.1.0.0, prefix_len: 16}}", r));
        assertFalse(permits("{destination_ip: {address_prefix: 10.2.0.0, prefix_len: 16}}", r));
    }

    @Test
    void requestedServerNameIsEmptyWithoutSni() {
        assertTrue(permits("{requested_server_name: {suffix: .example.com}}", request().sni("api.example.com")
                .build()));
        assertFalse(permits("{requested_server_name: {suffix: .example.com}}", request().build()));
        assertTrue(permits("{requested_server_name: {exact: \"\"}}", request().build()));
    }

    @Test
    void andOrNotCombineRules() {
        FilterRequest r = request().method("GET").path("/a").build();
        assertTrue(permits("{and_rules: {rules: [{method: GET}, {url_path: {path: {exact: /a}}}]}}", r));
        assertFalse(permits("{and_rules: {rules: [{method: GET}, {url_path: {path: {exact: /b}}}]}}", r));
        assertTrue(permits("{or_rules: {rules: [{method: PUT}, {url_path: {path: {exact: /a}}}]}}", r));
        assertTrue(permits("{not_rule: {method: PUT}}", r));
        assertFalse(permits("{not_rule: {any: true}}", r));
        assertTrue(permits("{and_rules: {rules: [{not_rule: {or_rules: {rules: [{method: PUT}, {method: POST}]}}},"
                + " {any: true}]}}", r));
        assertTrue(admits("{and_ids: {ids: [{any: true}, {not_id: {remote_ip: {address_prefix: 192.168.0.0, "
                + "prefix_len: 16}}}]}}", r));
        assertTrue(admits("{or_ids: {ids: [{header: {name: x-none}}, {url_path: {path: {prefix: /}}}]}}", r));
    }

    @Test
    void authenticatedTriesUriSansThenDnsSansThenSubject() {
        String web = "spiffe://mesh/ns/default/sa/web";
        FilterRequest r = request().peer(List.of("https://other", web), List.of("web.mesh.local"), "CN=web,O=Mesh")
                .build();
        assertTrue(admits("{authenticated: {principal_name: {exact: \"" + web + "\"}}}", r));
        assertTrue(admits("{authenticated: {principal_name: {prefix: \"spiffe://mesh/ns/default/\"}}}", r));
        assertTrue(admits("{authenticated: {principal_name: {exact: web.mesh.local}}}", r));
        assertTrue(admits("{authenticated: {principal_name: {exact: \"CN=web,O=Mesh\"}}}", r));
        assertFalse(admits("{authenticated: {principal_name: {exact: \"spiffe://mesh/ns/default/sa/db\"}}}", r));
        assertTrue(admits("{authenticated: {}}", r), "no principal_name: any verified certificate");
        assertFalse(admits("{authenticated: {}}", request().sni("x").build()), "TLS without a client certificate");
        assertFalse(admits("{authenticated: {}}", request().build()));
    }

    @Test
    void addressesMatchAsCidrsOnTheRightAddress() {
        FilterRequest direct = request().remote("10.0.0.7").build();
        assertTrue(admits("{direct_remote_ip: {address_prefix: 10.0.0.0, prefix_len: 8}}", direct));
        assertTrue(admits("{source_ip: {address_prefix: 10.0.0.7, prefix_len: 32}}", direct));
        assertTrue(admits("{remote_ip: {address_prefix: 10.0.0.0, prefix_len: 24}}", direct),
                "without trusted hops remote_ip is the peer");
        FilterRequest proxied = request().remote("10.0.0.7").hops(1).header("x-forwarded-for", "203.0.113.9")
                .build();
        assertTrue(admits("{remote_ip: {address_prefix: 203.0.113.0, prefix_len: 24}}", proxied));
        assertFalse(admits("{direct_remote_ip: {address_prefix: 203.0.113.0, prefix_len: 24}}", proxied));
        FilterRequest v6 = request().remote("2001:db8::17").build();
        assertTrue(admits("{direct_remote_ip: {address_prefix: \"2001:db8::\", prefix_len: 32}}", v6));
        assertFalse(admits("{direct_remote_ip: {address_prefix: \"2001:db9::\", prefix_len: 32}}", v6));
        assertFalse(admits("{direct_remote_ip: {address_prefix: 0.0.0.0, prefix_len: 0}}", v6), "v4 never v6");
        FilterRequest v6Proxied = request().hops(1).header("x-forwarded-for", "2001:db8::1").build();
        assertTrue(admits("{remote_ip: {address_prefix: \"2001:db8::\", prefix_len: 64}}", v6Proxied));
    }

    @Test
    void jwtClaimsMatchVerifiedTokens() {
        VerifiedJwt token = new VerifiedJwt("idp", "https://idp.example.com", "alice", Map.of(
                "roles", List.of("reader", "admin"), "realm", Map.of("role", "ops"), "level", 3L,
                "https://example.com/team", "payments"));
        FilterRequest r = request().jwt(token).build();
        assertTrue(admits("{jwt_claim: {issuer: \"https://idp.example.com\", subject: alice}}", r));
        assertTrue(admits("{jwt_claim: {provider: idp, subject: {prefix: al}}}", r));
        assertFalse(admits("{jwt_claim: {provider: other}}", r));
        assertTrue(admits("{jwt_claim: {claim: roles, value: admin}}", r), "a list matches by element");
        assertFalse(admits("{jwt_claim: {claim: roles, value: root}}", r));
        assertTrue(admits("{jwt_claim: {claim: realm.role, value: ops}}", r), "nested");
        assertTrue(admits("{jwt_claim: {claim: \"https://example.com/team\", value: payments}}", r), "dotted name");
        assertTrue(admits("{jwt_claim: {claim: level, value: \"3\"}}", r));
        assertTrue(admits("{jwt_claim: {claim: roles}}", r), "present");
        assertFalse(admits("{jwt_claim: {claim: missing}}", r));
        assertFalse(admits("{jwt_claim: {subject: alice}}", request().build()), "no verified token");
    }

    @Test
    void actionsDecideOnTheFirstMatchInNameOrder() {
        RbacConfig c = config("""
                        rules:
                          action: DENY
                          policies:
                            zeta: {permissions: [{any: true}], principals: [{any: true}]}
                            alpha: {permissions: [{method: POST}], principals: [{any: true}]}
                """);
        RbacEngine e = c.rules();
        int post = e.firstMatch(request().method("POST").build());
        assertEquals("alpha", e.policyName(post), "Envoy evaluates policies in name order");
        assertFalse(e.allows(post));
        assertEquals("rbac_access_denied_matched_policy[alpha]", c.deniedDetail(post));
        assertEquals("rbac_access_denied_matched_policy[none]", c.deniedDetail(-1));
        assertTrue(allow("[{method: PUT}]", ANY).allows(0));
        assertFalse(allow("[{method: PUT}]", ANY).allows(-1));
    }

    @Test
    void describesRulesCompactly() {
        RbacEngine e = allow("[{and_rules: {rules: [{method: [GET, HEAD]}, {url_path: {path: {prefix: /api/}}}]}}]",
                "[{authenticated: {principal_name: {exact: \"spiffe://a\"}}}, {remote_ip: {address_prefix: "
                        + "10.0.0.0, prefix_len: 8}}]");
        RbacPolicy p = e.policies().get(0);
        assertEquals("and_rules[method(GET|HEAD), url_path(prefix \"/api/\")]",
                RbacMatcher.describe(p.permissions()[0]));
        assertEquals("authenticated(exact \"spiffe://a\")", RbacMatcher.describe(p.principals()[0]));
        assertEquals("remote_ip(10.0.0.0/8)", RbacMatcher.describe(p.principals()[1]));
    }
}
