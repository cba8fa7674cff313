package dev.weft.core.filter.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter's page lists every stat with its kind and help, and every denial reason: the docs keep up. */
class JwtDocsTest {
    private static final Path DOC = Path.of("..", "docs", "filters", "jwt_authn.md");

    @Test
    void docListsEveryStatWithItsKind() throws Exception {
        String doc = Files.readString(DOC);
        List<String> missing = new ArrayList<>();
        for (JwtStat s : JwtStat.values()) {
            String row = "| `" + s.suffix() + "` | " + s.kind().name().toLowerCase() + " | " + s.help() + " |";
            if (!doc.contains(row)) {
                missing.add(row);
            }
        }
        assertEquals(List.of(), missing, "docs/filters/jwt_authn.md stats rows missing or out of date");
    }

    @Test
    void docListsEveryDenialReason() throws Exception {
        String doc = Files.readString(DOC);
        List<String> missing = new ArrayList<>();
        for (JwtStatus s : JwtStatus.values()) {
            if (s != JwtStatus.OK && !doc.contains("`" + s.reason() + "`")) {
                missing.add(s.reason());
            }
        }
        assertEquals(List.of(), missing, "docs/filters/jwt_authn.md outcomes table");
    }

    @Test
    void theCompleteExampleLoads(@TempDir Path dir) throws Exception {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
        String yaml = doc.substring(start, doc.indexOf("```", start));
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/partner-jwks.json"),
                TestTokens.jwks(TestTokens.jwk(TestTokens.ec("P-256").getPublic(), "p1", null)));
        Files.createDirectories(dir.resolve("certs"));
        Files.writeString(dir.resolve("certs/ca.pem"), "loaded when the cluster starts, not when the config is read");
        WeftConfig c = ConfigLoader.parse(yaml, "jwt_authn.md", dir);
        JwtAuthnConfig f = (JwtAuthnConfig) c.listeners().get(0).httpFilters().get(0).config();
        assertEquals(2, f.providers().size());
    }
}
