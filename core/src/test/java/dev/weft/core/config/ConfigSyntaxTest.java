package dev.weft.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The syntactic checks behind address, domain and header rules. */
class ConfigSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "2001:db8::1", "2001:db8:0:0:0:0:0:1", "fe80::1%eth0",
            "::ffff:10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::"})
    void acceptsIpv6(String address) {
        assertTrue(Syntax.isIpv6(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:::2", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7", "::1.2.3", "1.2.3.4::", "fe80::1%", "[::1]"})
    void rejectsBadIpv6(String address) {
        assertFalse(Syntax.isIpv6(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "255.255.255.255", "10.0.0.0"})
    void acceptsIpv4(String address) {
        assertTrue(Syntax.isIpv4(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.-4", "1.2.3.4 ", "0001.2.3.4", "010.0.0.1"})
    void rejectsBadIpv4(String address) {
        assertFalse(Syntax.isIpv4(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "backend.svc.cluster.local", "api.internal.", "my_service", "a-b.c"})
    void acceptsHostNames(String name) {
        assertTrue(Syntax.isHostName(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "-a.com", "a-.com", "a..b", "a b", "1.2.3.999", "host:80", "a/b"})
    void rejectsBadHostNames(String name) {
        assertFalse(Syntax.isHostName(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "example.com", "*.example.com", "api.*", "[::1]", "10.0.0.1", "localhost"})
    void acceptsDomains(String domain) {
        assertTrue(Syntax.isDomain(domain), domain);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "**", "*.", ".*", "*.*", "a*.com", "api.*.com", "*example.com", "example.com:80",
            "[::1]:80", "a b.com", "*.a..com"})
    void rejectsBadDomains(String domain) {
        assertFalse(Syntax.isDomain(domain), domain);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-ok", "x-forwarded-proto", "te-not", "hostname"})
    void allowsOrdinaryHeaderMutations(String name) {
        assertEquals(null, Syntax.mutableHeaderProblem(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade",
            "host", "content-length", ":authority", "bad name", ""})
    void refusesManagedAndInvalidHeaderNames(String name) {
        assertTrue(Syntax.mutableHeaderProblem(name) != null, name);
    }
}
