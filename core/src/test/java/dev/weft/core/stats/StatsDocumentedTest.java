package dev.weft.core.stats;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every declared stat is in the README's stats tables, with its kind: the docs cannot fall behind the code. */
class StatsDocumentedTest {

    @Test
    void readmeListsEveryDeclaredStatWithItsKind() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> missing = new ArrayList<>();
        List<StatDescriptor> all = new ArrayList<>();
        all.addAll(List.of(ListenerStat.values()));
        all.addAll(List.of(HttpStat.values()));
        all.addAll(List.of(Http2Stat.values()));
        all.addAll(List.of(ClusterStat.values()));
        all.addAll(List.of(ServerStat.values()));
        for (StatDescriptor d : all) {
            String row = "| `" + d.suffix() + "` | " + d.kind().name().toLowerCase() + " | " + d.help() + " |";
            if (!readme.contains(row)) {
                missing.add(row);
            }
        }
        assertEquals(List.of(), missing, "README stats rows missing or out of date");
    }
}
