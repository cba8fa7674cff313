package dev.weft.core.filter.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The denial ring: newest first, bounded, and consistent while many threads write. */
class DenialLogTest {

    private static DecisionTrace trace(String path) {
        return new DecisionTrace(0, "l", "f", null, "GET", path, null, "denied", "ALLOW", null, List.of(), null, null,
                List.of(), List.of(), null, List.of(), null, null, null);
    }

    @Test
    void keepsTheNewestFirstUpToItsCapacity() {
        DenialLog log = new DenialLog();
        assertEquals(List.of(), log.recent(10));
        for (int i = 0; i < DenialLog.CAPACITY + 10; i++) {
            log.add(trace("/" + i));
        }
        List<DecisionTrace> last3 = log.recent(3);
        assertEquals(List.of("/265", "/264", "/263"), last3.stream().map(DecisionTrace::path).toList());
        List<DecisionTrace> all = log.recent(10_000);
        assertEquals(DenialLog.CAPACITY, all.size());
        assertEquals("/10", all.get(all.size() - 1).path());
        assertEquals(DenialLog.CAPACITY + 10, log.total());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void concurrentWritersNeverShowAnEntryOutOfOrder() throws Exception {
        DenialLog log = new DenialLog();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int id = w;
            writers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    log.add(trace("/" + id + "/" + i));
                }
            }));
        }
        while (writers.stream().anyMatch(Thread::isAlive)) {
            List<DecisionTrace> seen = log.recent(DenialLog.CAPACITY);
            // per writer, entries must appear newest first: their sequence numbers strictly decrease
            int[] lastOf = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
            for (DecisionTrace t : seen) {
                String[] parts = t.path().split("/");
                int writer = Integer.parseInt(parts[1]);
                int n = Integer.parseInt(parts[2]);
                assertEquals(true, n < lastOf[writer], "order of writer " + writer + " in " + seen.size());
                lastOf[writer] = n;
            }
        }
        for (Thread t : writers) {
            t.join();
        }
        assertEquals(80_000, log.total());
        assertEquals(DenialLog.CAPACITY, log.recent(DenialLog.CAPACITY).size());
    }
}
