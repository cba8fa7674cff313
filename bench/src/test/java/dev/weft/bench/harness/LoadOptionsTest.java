package dev.weft.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    private static LoadOptions parse(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--weft-classpath";
        all[1] = "x.jar";
        System.arraycopy(args, 0, all, 2, args.length);
        return LoadOptions.parse(all);
    }

    @Test
    void defaults() {
        LoadOptions o = parse();
        assertEquals(List.of(Scenario.H1), o.scenarios());
        assertEquals(List.of("0"), o.bodies());
        assertEquals(List.of(50), o.connections());
        assertEquals(List.of(0.25, 0.5, 0.75), o.rates());
        assertEquals(List.of(), o.peers());
        assertTrue(o.pin());
        assertFalse(o.docker());
        assertEquals(10, o.durationSeconds());
    }

    @Test
    void listsAndUnits() {
        LoadOptions o = parse("--scenario", "h1,tls, mtls,h2,h1-close", "--body", "0,4k,64k,1m", "-c", "10,100",
                "--rates", "0.75,0.25", "--peers", "nginx,haproxy", "--no-pin", "--duration", "2.5");
        assertEquals(List.of(Scenario.H1, Scenario.TLS, Scenario.MTLS, Scenario.H2, Scenario.H1_CLOSE),
                o.scenarios());
        assertEquals(List.of(10, 100), o.connections());
        assertEquals(List.of(0.25, 0.75), o.rates());
        assertEquals(List.of("nginx", "haproxy"), o.peers());
        assertFalse(o.pin());
        assertEquals(2.5, o.durationSeconds());
        assertEquals(0, LoadOptions.bodyBytes("0"));
        assertEquals(4096, LoadOptions.bodyBytes("4k"));
        assertEquals(65536, LoadOptions.bodyBytes("64K"));
        assertEquals(1048576, LoadOptions.bodyBytes("1m"));
        assertEquals(100, LoadOptions.bodyBytes("100b"));
    }

    @Test
    void weftJvmArgsAreAppendedInOrder() {
        LoadOptions o = parse("--weft-jvm-arg", "-XX:+UseParallelGC", "--weft-jvm-arg", "-Xmx96m");
        assertEquals(List.of("-XX:+UseParallelGC", "-Xmx96m"), o.weftJvmArgs());
        assertEquals(LoadOptions.DEFAULT_WEFT_JAVA_OPTS, o.weftJavaOpts());
        assertEquals(List.of(), parse().weftJvmArgs());
    }

    @Test
    void everyBadValueNamesItsOption() {
        assertMessage("--scenario: unknown scenario 'h3' (known: h1, h1-close, tls, mtls, h2)", "--scenario", "h3");
        assertMessage("--body: '17m' is not a size from 0 to 16m (e.g. 0, 4k, 64k, 1m)", "--body", "17m");
        assertMessage("--body: 'abc' is not a size from 0 to 16m (e.g. 0, 4k, 64k, 1m)", "--body", "abc");
        assertMessage("-c: '0' is not a positive whole number", "-c", "0");
        assertMessage("--rates: 1.5 is not a fraction in (0, 1]", "--rates", "0.5,1.5");
        assertMessage("--peers: unknown peer 'envoy' (known: nginx, haproxy)", "--peers", "envoy");
        assertMessage("--duration: must be positive, not 0", "--duration", "0");
        assertMessage("--weft-jvm-arg: 'Xmx96m' is not one JVM option (e.g. -Dname=value)",
                "--weft-jvm-arg", "Xmx96m");
        assertMessage("--warmup: must not be negative", "--warmup", "-1");
        assertMessage("--origin: must be nginx, builtin or auto, not 'apache'", "--origin", "apache");
        assertMessage("--out: needs a value", "--out");
        HarnessException e = assertThrows(HarnessException.class, () -> parse("--frobnicate"));
        assertTrue(e.getMessage().startsWith("unknown option '--frobnicate'"), e.getMessage());
    }

    private static void assertMessage(String expected, String... args) {
        HarnessException e = assertThrows(HarnessException.class, () -> parse(args));
        assertEquals(expected, e.getMessage());
    }
}
