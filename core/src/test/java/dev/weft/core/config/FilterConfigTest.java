package dev.weft.core.config;

import static dev.weft.core.config.ConfigTesting.parse;
import static dev.weft.core.config.ConfigTesting.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code http_filters} and {@code per_filter_config}: what binds, and every mistake named by its path. */
class FilterConfigTest {

    private static String config(String filters, String vhostExtra, String routeExtra) {
        return FilterYaml.listener(filters, vhostExtra, FilterYaml.route("/", routeExtra), "");
    }

    @Test
    void aChainBindsInOrderWithTypesAndOverrides() {
        WeftConfig c = parse(config("""
                - {name: one, type: test_stamp, stamp: x}
                - {name: test_stamp}
                """, """
                per_filter_config:
                  one: {stamp: vh}
                """, """
                per_filter_config:
                  test_stamp: {disabled: true}
                  one: {stamp: r}
                """));
        List<HttpFilterConfig> chain = c.listeners().get(0).httpFilters();
        assertEquals(List.of("one", "test_stamp"), chain.stream().map(HttpFilterConfig::name).toList());
        assertEquals(List.of("test_stamp", "test_stamp"), chain.stream().map(HttpFilterConfig::type).toList());
        VirtualHostConfig vh = c.listeners().get(0).virtualHosts().get(0);
        assertEquals(false, vh.perFilterConfig().get("one").disabled());
        RouteConfig route = vh.routes().get(0);
        assertEquals(PerFilterConfig.DISABLED, route.perFilterConfig().get("test_stamp"));
        assertTrue(route.perFilterConfig().get("one").config().toString().contains("r"));
    }

    @Test
    void noFiltersIsAnEmptyChain() {
        assertEquals(List.of(), parse(ConfigTesting.MINIMAL).listeners().get(0).httpFilters());
        assertNull(parse(ConfigTesting.MINIMAL).listeners().get(0).virtualHosts().get(0).perFilterConfig()
                .get("x"));
    }

    @Test
    void mistakesAreNamedByTheirPath() {
        List<String> p = problems(config("""
                - {name: a, type: no_such_filter}
                - {name: nope}
                - {name: b, type: test_stamp, stampp: x}
                - {name: b, type: test_stamp}
                - {name: "bad name!", type: test_stamp}
                - {type: test_stamp}
                - {name: c, type: test_stamp, deny_prefix: relative}
                - not-a-map
                """, """
                per_filter_config:
                  ghost: {disabled: true}
                """, """
                per_filter_config:
                  c: {disabled: true, stamp: x}
                  b: {stamp: x, colour: red}
                """));
        String f = "listeners[0].http_filters";
        assertTrue(p.stream().anyMatch(s -> s.startsWith(f + "[0].type: unknown filter type 'no_such_filter'; known: ")
                && s.contains("test_stamp")), p::toString);
        assertTrue(p.stream().anyMatch(s -> s.startsWith(f + "[1].name: unknown filter type 'nope'; known: ")
                && s.endsWith(" (or give its type in 'type')")), p::toString);
        assertTrue(p.contains(f + "[2].stampp: unknown field"), p::toString);
        assertTrue(p.contains(f + "[3].name: duplicate filter name 'b' (first defined at " + f + "[2])"), p::toString);
        assertTrue(p.stream().anyMatch(s -> s.startsWith(f + "[4].name: ")), p::toString);
        assertTrue(p.contains(f + "[5].name: is required"), p::toString);
        assertTrue(p.contains(f + "[6].deny_prefix: must start with '/'"), p::toString);
        assertTrue(p.contains(f + "[7]: must be a map"), p::toString);
        String vh = "listeners[0].virtual_hosts[0]";
        assertTrue(p.stream().anyMatch(s -> s.startsWith(vh + ".per_filter_config.ghost: no filter named 'ghost'")),
                p::toString);
        String r = vh + ".routes[0].per_filter_config";
        assertTrue(p.contains(r + ".c.disabled: a disabled filter takes no other settings"), p::toString);
        assertTrue(p.contains(r + ".b.colour: unknown field"), p::toString);
    }
}
