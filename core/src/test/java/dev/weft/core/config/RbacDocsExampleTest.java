package dev.weft.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.filter.rbac.RbacConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The complete example of docs/filters/rbac.md loads (Maven runs tests in the module dir: docs is ../docs). */
class RbacDocsExampleTest {

    @Test
    void theDocumentedExampleIsAValidConfig() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "filters", "rbac.md"));
        int start = doc.indexOf("```yaml\n");
        assertTrue(start >= 0, "no yaml block in docs/filters/rbac.md");
        String yaml = doc.substring(start + 8, doc.indexOf("```", start + 8));
        Path dir = Files.createTempDirectory("weft-rbac-doc");
        for (String file : new String[] {"server.crt", "server.key", "mesh-ca.crt"}) {
            Files.writeString(dir.resolve(file), ""); // the loader checks they exist; the proxy is not started
        }
        WeftConfig c = ConfigLoader.parse(yaml, "docs/filters/rbac.md", dir);
        RbacConfig rbac = (RbacConfig) c.listeners().get(0).httpFilters().get(0).config();
        assertEquals(4, rbac.rules().policies().size());
        assertEquals(1, rbac.shadowRules().policies().size());
    }
}
