package dev.weft.core.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Collects the problems of one load. Each problem is pinned to the YAML node it is about, so the report comes out in
 * document order whatever order the binder checked things in (clusters are bound before listeners, so that routes can
 * be checked against them, but usually appear after them in the file).
 */
final class Problems {
    private record Problem(int position, int sequence, String text) {
    }

    private final List<Problem> problems = new ArrayList<>();

    /** Reports {@code path: message} at the position of {@code at} (null: at the end). */
    void add(Node at, String path, String message) {
        int position = at == null ? Integer.MAX_VALUE
                : at.getStartMark().map(Mark::getIndex).orElse(Integer.MAX_VALUE);
        problems.add(new Problem(position, problems.size(), path + ": " + message));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The problems in document order; problems at the same position keep the order they were found in. */
    List<String> sorted() {
        return problems.stream()
                .sorted(Comparator.comparingInt(Problem::position).thenComparingInt(Problem::sequence))
                .map(Problem::text)
                .toList();
    }
}
