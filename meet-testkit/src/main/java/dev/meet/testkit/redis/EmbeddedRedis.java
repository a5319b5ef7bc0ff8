package dev.meet.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A redis-server child process from the binary inside {@code embedded-redis}, pinned to one port so that a test can
 * stop and restart it and clients reconnect to the same address.
 */
final class EmbeddedRedis {

    static final String HOST = "127.0.0.1";

    /** A free port can be taken by someone else between probing and binding; a few tries make that harmless. */
    private static final int START_ATTEMPTS = 3;

    private final redis.embedded.RedisServer process;
    private final int port;

    private EmbeddedRedis(redis.embedded.RedisServer process, int port) {
        this.process = process;
        this.port = port;
    }

    static EmbeddedRedis startOnFreePort() {
        IOException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                int port = freePort();
                redis.embedded.RedisServer process = redis.embedded.RedisServer.newRedisServer()
                        .bind(HOST)
                        .port(port)
                        // A test server keeps nothing: no dump.rdb or AOF next to the extracted binary.
                        .setting("save \"\"")
                        .setting("appendonly no")
                        // Wait for the process to exit on stop, so the port is free for a restart.
                        .onShutdownForceStop(false)
                        .build();
                process.start();
                return new EmbeddedRedis(process, port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("Could not start the embedded redis-server (" + last.getMessage()
                + "). Point the tests at an existing Redis instead: set " + RedisChoice.ENV_URL
                + "=redis://host:port", last);
    }

    int port() {
        return port;
    }

    void stop() {
        try {
            process.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop the embedded redis-server on port " + port, e);
        }
    }

    void start() {
        try {
            process.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not restart the embedded redis-server on port " + port, e);
        }
    }

    boolean isRunning() {
        return process.isActive();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }
}
