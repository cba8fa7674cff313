package dev.weft.tls.pem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One RFC 7468 block ({@code -----BEGIN LABEL-----} ... {@code -----END LABEL-----}) and the reader that splits a
 * file into them. Text outside blocks (for example {@code openssl x509 -text} output) is ignored, as RFC 7468
 * section 5.2 allows.
 *
 * @param label the label, e.g. {@code CERTIFICATE} or {@code RSA PRIVATE KEY}
 * @param der the decoded base64 body
 * @param encryptedHeaders whether RFC 1421 headers ({@code Proc-Type: 4,ENCRYPTED}) marked the body as encrypted
 * @param index position of the block in the file, from 0, for error messages
 */
record PemBlock(String label, byte[] der, boolean encryptedHeaders, int index) {

    static final long MAX_FILE_BYTES = 1 << 20; // 1 MiB: a CA bundle of ~700 certs; anything larger is not PEM we want

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    String describe() {
        return "block #" + index + " (" + label + ")";
    }

    static List<PemBlock> read(Path file) throws PemException {
        String text = new String(readBytes(file), StandardCharsets.ISO_8859_1);
        List<PemBlock> blocks = new ArrayList<>();
        String label = null;
        StringBuilder body = null;
        boolean encrypted = false;
        int lineNumber = 0;
        int beginLine = 0;
        for (String raw : text.split("\r?\n|\r", -1)) {
            lineNumber++;
            String line = raw.strip();
            if (label == null) {
                if (line.startsWith(BEGIN) && line.endsWith(DASHES) && line.length() > BEGIN.length() + DASHES.length()) {
                    label = line.substring(BEGIN.length(), line.length() - DASHES.length());
                    body = new StringBuilder();
                    encrypted = false;
                    beginLine = lineNumber;
                }
                continue;
            }
            if (line.startsWith(END)) {
                String endLabel = line.endsWith(DASHES) && line.length() >= END.length() + DASHES.length()
                        ? line.substring(END.length(), line.length() - DASHES.length())
                        : line;
                if (!endLabel.equals(label)) {
                    throw new PemException(file, "line " + lineNumber + ": BEGIN " + label + " (line " + beginLine
                            + ") is closed by '" + line + "'");
                }
                blocks.add(new PemBlock(label, decode(file, label, blocks.size(), body), encrypted, blocks.size()));
                label = null;
                body = null;
            } else if (line.startsWith(BEGIN)) {
                throw new PemException(file, "line " + lineNumber + ": BEGIN " + label + " (line " + beginLine
                        + ") has no END line before the next BEGIN");
            } else if (line.indexOf(':') > 0) {
                // RFC 1421 encapsulated headers, used by OpenSSL's legacy encrypted keys
                if (line.startsWith("Proc-Type:") && line.contains("ENCRYPTED")) {
                    encrypted = true;
                }
            } else {
                body.append(line);
            }
        }
        if (label != null) {
            throw new PemException(file, "BEGIN " + label + " (line " + beginLine + ") has no END line");
        }
        if (blocks.isEmpty()) {
            throw new PemException(file, "no PEM block found (expected -----BEGIN ...----- lines)");
        }
        return blocks;
    }

    static String labels(List<PemBlock> blocks) {
        return String.join(", ", blocks.stream().map(PemBlock::label).distinct().toList());
    }

    private static byte[] decode(Path file, String label, int index, StringBuilder body) throws PemException {
        if (body.isEmpty()) {
            throw new PemException(file, "block #" + index + " (" + label + ") is empty");
        }
        try {
            return Base64.getDecoder().decode(body.toString());
        } catch (IllegalArgumentException e) {
            throw new PemException(file, "block #" + index + " (" + label + ") has malformed base64: "
                    + e.getMessage());
        }
    }

    private static byte[] readBytes(Path file) throws PemException {
        try {
            if (Files.isDirectory(file)) {
                throw new PemException(file, "cannot read: is a directory");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new PemException(file, "cannot read: file is " + size + " bytes, more than the "
                        + MAX_FILE_BYTES + " allowed for PEM");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PemException(file, "cannot read: file does not exist", e);
        } catch (AccessDeniedException e) {
            throw new PemException(file, "cannot read: permission denied", e);
        } catch (IOException e) {
            throw new PemException(file, "cannot read: " + e, e);
        }
    }
}
