package dev.weft.core.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version this build carries (from the filtered resource written by Maven). */
public final class WeftVersion {
    private static final String VERSION = load();

    private WeftVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = WeftVersion.class.getResourceAsStream("/dev/weft/core/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
