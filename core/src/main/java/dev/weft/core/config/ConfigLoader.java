package dev.weft.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a YAML (or JSON) config into a validated {@link WeftConfig}, or fails with every problem in it.
 *
 * <p>The document is composed into YAML nodes with the YAML 1.2 core schema, then bound field by field. Binding never
 * stops at the first problem: each one is recorded with its path and its position in the document, and all of them
 * are thrown together, in document order, as one {@link ConfigException}. The schema is described in
 * the Configuration reference in README.md.
 */
public final class ConfigLoader {
    /** The embedded config used when none is given; a copy of {@code examples/quickstart.yaml}. */
    public static final String DEFAULT_RESOURCE = "/dev/weft/core/config/default.yaml";

    private ConfigLoader() {
    }

    /** Loads a UTF-8 YAML or JSON file; problems name paths inside it, syntax errors its name, line and column. */
    public static WeftConfig load(Path file) throws ConfigException, IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(List.of(file + ": not valid UTF-8"));
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /** Parses YAML or JSON text; {@code sourceName} (a file name, say) labels document-level problems. */
    public static WeftConfig parse(String yaml, String sourceName) throws ConfigException {
        return parse(yaml, sourceName, null);
    }

    /**
     * Parses YAML or JSON text whose relative certificate and key paths are relative to {@code baseDir} (the
     * config file's folder); null keeps them relative to the working directory.
     */
    public static WeftConfig parse(String yaml, String sourceName, Path baseDir) throws ConfigException {
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder()
                    .setLabel(sourceName)
                    .setSchema(new CoreSchema())
                    .build();
            Optional<Node> composed = new Compose(settings).composeString(yaml);
            root = composed.orElse(null);
        } catch (MarkedYamlEngineException e) {
            throw new ConfigException(List.of(syntaxProblem(sourceName, e)));
        } catch (YamlEngineException e) {
            throw new ConfigException(List.of(sourceName + ": " + e.getMessage()));
        }
        if (ConfigBinder.isEmpty(root)) {
            throw new ConfigException(List.of(sourceName + ": the document is empty"));
        }
        Problems problems = new Problems();
        WeftConfig config = new ConfigBinder(problems, baseDir).bind(root, sourceName);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        return config;
    }

    /** The embedded quickstart config, parsed. */
    public static WeftConfig loadDefault() {
        try {
            return parse(defaultYaml(), "classpath:" + DEFAULT_RESOURCE);
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded default config is invalid:\n" + e.getMessage(), e);
        }
    }

    /** The text of the embedded quickstart config. */
    public static String defaultYaml() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + DEFAULT_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code name:line:column: problem (while ... at line L, column C)}, lines and columns counted from 1. */
    private static String syntaxProblem(String sourceName, MarkedYamlEngineException e) {
        StringBuilder text = new StringBuilder(sourceName);
        Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
        mark.ifPresent(m -> text.append(':').append(m.getLine() + 1).append(':').append(m.getColumn() + 1));
        text.append(": ").append(e.getProblem() == null ? "invalid YAML" : e.getProblem().strip());
        String context = e.getContext();
        if (context != null && !context.isBlank()) {
            text.append(" (").append(context.strip());
            e.getContextMark().filter(m -> !mark.equals(Optional.of(m))).ifPresent(m -> text.append(" at line ")
                    .append(m.getLine() + 1).append(", column ").append(m.getColumn() + 1));
            text.append(')');
        }
        return text.toString();
    }
}
