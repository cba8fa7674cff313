package dev.weft.tls.context;

import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Drives a client and a server {@link SSLEngine} against each other through in-memory buffers until both stop. */
final class InMemoryHandshake {
    private static final int BUFFER = 1 << 17;
    private static final int MAX_ROUNDS = 200;

    /** What each side saw; an error is the first SSLException that side threw. */
    record Result(SSLEngine client, SSLEngine server, SSLException clientError, SSLException serverError) {
        boolean succeeded() {
            return clientError == null && serverError == null;
        }

        X509Certificate serverLeaf() throws SSLPeerUnverifiedException {
            return (X509Certificate) client.getSession().getPeerCertificates()[0];
        }

        String serverSubject() throws SSLPeerUnverifiedException {
            return serverLeaf().getSubjectX500Principal().getName();
        }
    }

    private InMemoryHandshake() {}

    static Result run(SSLEngine client, SSLEngine server) throws Exception {
        Side c = new Side(client);
        Side s = new Side(server);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean progressed = c.pump(s.out) | s.pump(c.out);
            if (!progressed && done(client) && done(server)) {
                break;
            }
            if (!progressed && (c.error != null || s.error != null)) {
                break;
            }
        }
        return new Result(client, server, c.error, s.error);
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    private static final class Side {
        final SSLEngine engine;
        final ByteBuffer out = ByteBuffer.allocate(BUFFER); // write mode: what this side sent
        final ByteBuffer app = ByteBuffer.allocate(BUFFER);
        SSLException error;

        Side(SSLEngine engine) {
            this.engine = engine;
        }

        /** Runs tasks, wraps and unwraps {@code in} until nothing moves; true if anything did. */
        boolean pump(ByteBuffer in) throws Exception {
            boolean progressed = false;
            for (int steps = 0; steps < 100; steps++) {
                HandshakeStatus status = engine.getHandshakeStatus();
                try {
                    if (status == HandshakeStatus.NEED_TASK) {
                        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                            task.run();
                        }
                        progressed = true;
                        continue;
                    }
                    if (status == HandshakeStatus.NEED_WRAP) {
                        SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), out);
                        if (result.bytesProduced() > 0) {
                            progressed = true;
                            continue;
                        }
                        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                            break;
                        }
                    }
                    if (in.position() > 0 && !engine.isInboundDone()) {
                        in.flip();
                        SSLEngineResult result;
                        try {
                            result = engine.unwrap(in, app);
                        } finally {
                            in.compact();
                        }
                        if (result.bytesConsumed() > 0 || result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                            progressed = true;
                            continue;
                        }
                    }
                    break;
                } catch (SSLException e) {
                    if (error == null) {
                        error = e;
                    }
                    progressed = true;
                }
            }
            return progressed;
        }
    }
}
