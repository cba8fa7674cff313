package dev.weft.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ToolOutputTest {

    static final String WRK = """
            Running 1s test @ http://127.0.0.1:18999/bytes/0
              1 threads and 10 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   149.21us   52.11us   2.07ms   91.23%
                Req/Sec    62.50k     2.10k   65.43k    72.73%
              Latency Distribution
                 50%  139.00us
                 75%  154.00us
                 90%  181.00us
                 99%    1.45ms
              68750 requests in 1.10s, 10.49MB read
              Socket errors: connect 0, read 3, write 0, timeout 1
              Non-2xx or 3xx responses: 5
            Requests/sec:  62500.12
            Transfer/sec:      9.54MB
            """;

    @Test
    void wrkFiguresAreParsedWithUnits() {
        ClosedLoopResult r = WrkOutput.parse(WRK);
        assertEquals("wrk", r.tool());
        assertEquals(62500.12, r.requestsPerSecond(), 1e-9);
        assertEquals(68750, r.requests());
        assertEquals(4, r.errors());
        assertEquals(5, r.non2xx());
        assertEquals(0.139, r.latency().p50(), 1e-9);
        assertEquals(0.181, r.latency().p90(), 1e-9);
        assertEquals(1.45, r.latency().p99(), 1e-9);
        assertEquals(2.07, r.latency().max(), 1e-9);
        assertTrue(Double.isNaN(r.latency().p999()), "wrk prints no p99.9");
    }

    @Test
    void wrkWithoutErrorLinesHasNone() {
        String clean = WRK.replaceAll("(?m)^.*(Socket errors|Non-2xx).*\\n", "");
        ClosedLoopResult r = WrkOutput.parse(clean);
        assertEquals(0, r.errors());
        assertEquals(0, r.non2xx());
    }

    @Test
    void garbageIsRefusedWithTheOutputInTheMessage() {
        HarnessException e = assertThrows(HarnessException.class, () -> WrkOutput.parse("unable to connect\n"));
        assertTrue(e.getMessage().contains("unable to connect"), e.getMessage());
    }

    @Test
    void timeUnits() {
        assertEquals(0.5, WrkOutput.millis("500.00us"), 1e-12);
        assertEquals(12.5, WrkOutput.millis("12.50ms"), 1e-12);
        assertEquals(2000, WrkOutput.millis("2.00s"), 1e-9);
        assertEquals(60_000, WrkOutput.millis("1.00m"), 1e-9);
        assertTrue(Double.isNaN(WrkOutput.millis("-nan%")));
    }

    @Test
    void h2loadSummary() {
        String out = """
                finished in 1.00s, 2000.00 req/s, 134.89KB/s
                requests: 2002 total, 2002 started, 2002 done, 2000 succeeded, 2 failed, 2 errored, 1 timeout
                status codes: 1990 2xx, 0 3xx, 7 4xx, 3 5xx
                traffic: 134.89KB (138132) total, 93.75KB (96000) headers (space savings 51.02%), 5.86KB (6000) data
                                     min         max         mean         sd        +/- sd
                time for request:       12us       1.62ms        40us        12us    83.70%
                time for connect:       44us        68us        56us        16us   100.00%
                """;
        ClosedLoopResult r = H2loadOutput.parse(out);
        assertEquals("h2load", r.tool());
        assertEquals(2000.0, r.requestsPerSecond(), 1e-9);
        assertEquals(2002, r.requests());
        assertEquals(3, r.errors());
        assertEquals(10, r.non2xx());
        assertEquals(1.62, r.latency().max(), 1e-9);
        assertTrue(Double.isNaN(r.latency().p50()), "h2load prints no percentiles");
    }
}
