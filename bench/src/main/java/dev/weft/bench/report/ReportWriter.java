package dev.weft.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a report folder: {@code report.json} ({@link ReportJson}) and {@code report.html} ({@link ReportHtml}).
 * The {@code .hgrm} files the rate points name are written by the harness as it runs, with
 * {@link Distributions#writeHgrm}.
 */
public final class ReportWriter {

    /** The page's file name inside a report folder. */
    public static final String HTML_FILE_NAME = "report.html";

    private ReportWriter() {
    }

    /**
     * Creates {@code folder} if needed and writes both files, each to a temporary file first and then renamed, so a
     * crash never leaves a half-written report.json behind.
     */
    public static void write(Report r, Path folder) throws IOException {
        Files.createDirectories(folder);
        String json = ReportJson.write(r);
        String html = ReportHtml.render(r);
        replace(folder.resolve(ReportJson.FILE_NAME), json);
        replace(folder.resolve(HTML_FILE_NAME), html);
    }

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
