package dev.meet.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis for a test: where it listens, and for a private server the switch to simulate an outage.
 *
 * <p>Get one injected by {@link RedisServerExtension}, which shares one server across the test run (a configured
 * URL, a Testcontainers container or the embedded binary; see there), or start a private one for a test that stops
 * Redis on purpose:
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.startPrivate()) {
 *     redis.stop();   // clients now get "connection refused"
 *     redis.start();  // same port, empty data set
 * }
 * }</pre>
 *
 * <p>Spring tests can hand the URL over from a {@code @BeforeAll static void redis(RedisServer redis)} to a
 * {@code @DynamicPropertySource} method, which runs later when the context loads.
 */
public final class RedisServer implements AutoCloseable {

    /** Where the server comes from. */
    public enum Mode {
        /** An existing Redis named by {@code MEET_TEST_REDIS_URL} or {@code meet.test.redis.url}. */
        EXTERNAL,
        /** A {@code redis:7-alpine} container started through Testcontainers. */
        TESTCONTAINERS,
        /** The redis-server binary shipped inside {@code embedded-redis}, run as a child process. */
        EMBEDDED
    }

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);

    private final Mode mode;
    private final RedisEndpoint endpoint;
    private final @Nullable EmbeddedRedis embedded;
    private final @Nullable ContainerRedis container;
    private final boolean isPrivate;

    private RedisServer(Mode mode, RedisEndpoint endpoint, @Nullable EmbeddedRedis embedded,
                        @Nullable ContainerRedis container, boolean isPrivate) {
        this.mode = mode;
        this.endpoint = endpoint;
        this.embedded = embedded;
        this.container = container;
        this.isPrivate = isPrivate;
    }

    /**
     * Starts an embedded redis-server on a free port that only the caller uses, so it may {@link #stop()} and
     * {@link #start()} it. The caller closes it.
     */
    public static RedisServer startPrivate() {
        long started = System.nanoTime();
        EmbeddedRedis embedded = EmbeddedRedis.startOnFreePort();
        RedisServer server = new RedisServer(Mode.EMBEDDED, RedisEndpoint.local(EmbeddedRedis.HOST, embedded.port()),
                embedded, null, true);
        LOG.info("Private Redis for tests started: mode=EMBEDDED uri={} startMs={}", server.endpoint.redacted(),
                millisSince(started));
        return server;
    }

    /** Starts (or, for an external URL, only connects to) the server the choice names; shared by the test run. */
    static RedisServer startShared(RedisChoice choice) {
        long started = System.nanoTime();
        RedisServer server;
        switch (choice.mode()) {
            case EXTERNAL:
                server = new RedisServer(Mode.EXTERNAL,
                        RedisEndpoint.parse(Objects.requireNonNull(choice.url()), choice.urlSetting()), null, null,
                        false);
                break;
            case TESTCONTAINERS:
                ContainerRedis container = ContainerRedis.start();
                server = new RedisServer(Mode.TESTCONTAINERS, container.endpoint(), null, container, false);
                break;
            case EMBEDDED:
                EmbeddedRedis embedded = EmbeddedRedis.startOnFreePort();
                server = new RedisServer(Mode.EMBEDDED, RedisEndpoint.local(EmbeddedRedis.HOST, embedded.port()),
                        embedded, null, false);
                break;
            default:
                throw new IllegalStateException("unknown mode " + choice.mode());
        }
        LOG.info("Redis for tests: mode={} uri={} reason=\"{}\" startMs={}", server.mode, server.endpoint.redacted(),
                choice.reason(), millisSince(started));
        return server;
    }

    /** Where this server comes from. */
    public Mode mode() {
        return mode;
    }

    /** Host name or address to connect to. */
    public String host() {
        return endpoint.host();
    }

    /** TCP port to connect to. */
    public int port() {
        return endpoint.port();
    }

    /**
     * The URL for clients, such as {@code redis://127.0.0.1:6390}; for an external server exactly as configured,
     * which may include a password and a database.
     */
    public String uri() {
        return endpoint.uri();
    }

    /**
     * Whether {@link #stop()} and {@link #start()} are allowed: only for a private server, because the shared one
     * serves other test classes and an external one is not ours to stop.
     */
    public boolean canRestart() {
        return isPrivate && embedded != null;
    }

    /**
     * Stops the server, simulating an outage; clients get "connection refused" until {@link #start()}.
     *
     * @throws IllegalStateException when {@link #canRestart()} is false
     */
    public void stop() {
        requireRestartable("stop").stop();
        LOG.info("Private Redis for tests stopped: uri={}", endpoint.redacted());
    }

    /**
     * Starts a stopped server again on the same port. Its data set is empty: it runs without persistence.
     *
     * @throws IllegalStateException when {@link #canRestart()} is false
     */
    public void start() {
        long started = System.nanoTime();
        requireRestartable("start").start();
        LOG.info("Private Redis for tests restarted: uri={} startMs={}", endpoint.redacted(), millisSince(started));
    }

    /**
     * Deletes every key in every database, for tests that need a clean server. On an external server this
     * deletes real data: point {@code MEET_TEST_REDIS_URL} only at a disposable Redis.
     */
    public void flushAll() {
        try (Resp resp = Resp.connect(endpoint)) {
            resp.call("FLUSHALL");
        } catch (IOException e) {
            throw new UncheckedIOException("FLUSHALL failed on " + endpoint.redacted(), e);
        }
    }

    /**
     * Stops a private server and deletes its files. Does nothing for the shared server, which
     * {@link RedisServerExtension} stops at the end of the test run, nor for an external one.
     */
    @Override
    public void close() {
        if (isPrivate) {
            release();
        }
    }

    /** Stops whatever this JVM started for this server. */
    void release() {
        if (embedded != null && embedded.isRunning()) {
            embedded.stop();
        }
        if (container != null) {
            container.close();
        }
        LOG.debug("Redis for tests released: mode={} uri={}", mode, endpoint.redacted());
    }

    private EmbeddedRedis requireRestartable(String action) {
        if (!canRestart() || embedded == null) {
            throw new IllegalStateException("Cannot " + action + " the " + mode + " Redis at " + endpoint.redacted()
                    + ": " + (mode == Mode.EXTERNAL ? "it is not ours. " : "other tests share it. ")
                    + "Simulate outages on a private server: RedisServer.startPrivate() or a parameter annotated"
                    + " @RedisServerExtension.Private");
        }
        return embedded;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Override
    public String toString() {
        return "RedisServer[mode=" + mode + ", uri=" + endpoint.redacted() + (isPrivate ? ", private" : "") + "]";
    }
}
