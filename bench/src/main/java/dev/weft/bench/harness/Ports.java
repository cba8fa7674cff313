package dev.weft.bench.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the listeners of a run, never the same one twice, taken below Linux's ephemeral range
 * (32768-60999): a port found free there can be taken by an outgoing connection of the load generators (the
 * connection-per-request scenario opens thousands) before the proxy binds it.
 */
final class Ports {
    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;
    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {
    }

    static synchronized int free() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            if (GIVEN.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                GIVEN.add(port);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free loopback port in " + FIRST + "-" + LAST);
    }
}
