package dev.meet.testkit.s3;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3 endpoint and a bucket of one's own for a test: what an S3 client needs, and for a private server the
 * switch to simulate an outage.
 *
 * <p>Point the AWS SDK v2 at it with path-style addressing:
 *
 * <pre>{@code
 * S3Client s3 = S3Client.builder()
 *         .endpointOverride(server.endpoint())
 *         .forcePathStyle(true)
 *         .region(Region.of(server.region()))
 *         .credentialsProvider(StaticCredentialsProvider.create(
 *                 AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
 *         .build();
 * s3.putObject(b -> b.bucket(server.bucket()).key("a.mp4"), RequestBody.fromString("..."));
 * }</pre>
 *
 * <p>{@link S3ProxyExtension} injects handles on a server shared by the test run, each with a fresh bucket;
 * {@link #startPrivate()} (or a parameter annotated {@link S3ProxyExtension.Private @Private}) gives a server of
 * one's own that may be stopped and started again.
 */
public final class S3Server implements AutoCloseable {

    /** Access key every test server accepts. */
    public static final String ACCESS_KEY = "meet-test-access-key";

    /** Secret key every test server accepts. Not a secret: it guards a throw-away server on 127.0.0.1. */
    public static final String SECRET_KEY = "meet-test-secret-key";

    /** Region clients should sign for; s3proxy accepts any, but the SDK needs one. */
    public static final String REGION = "us-east-1";

    private static final Logger LOG = LoggerFactory.getLogger(S3Server.class);
    private static final AtomicLong BUCKETS = new AtomicLong();
    private static final int MAX_BUCKET_NAME = 63;

    private final S3ProxyServer server;
    private final String bucket;
    private final boolean isPrivate;

    private S3Server(S3ProxyServer server, String bucket, boolean isPrivate) {
        this.server = server;
        this.bucket = bucket;
        this.isPrivate = isPrivate;
    }

    /**
     * Writes an object into this server's bucket directly in the store, bypassing HTTP: for a test that needs
     * thousands of objects in place before it starts (a request each would take minutes on a small machine). Works
     * whether or not the HTTP side is up.
     */
    public void seed(String key, byte[] content) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(content, "content");
        server.putObject(bucket, key, content);
    }

    /**
     * Starts an s3proxy that only the caller uses, with one empty bucket; the caller may {@link #stop()} and
     * {@link #start()} it and closes it.
     */
    public static S3Server startPrivate() {
        return startPrivate("private");
    }

    static S3Server startPrivate(String bucketHint) {
        S3ProxyServer server = startServer("Private S3 for tests");
        return new S3Server(server, createBucket(server, bucketHint), true);
    }

    /** Starts the server {@link S3ProxyExtension} shares across the test run. */
    static S3ProxyServer startShared() {
        return startServer("S3 for tests");
    }

    /** A handle on a shared server with a new, empty bucket named after {@code bucketHint}. */
    static S3Server withNewBucket(S3ProxyServer shared, String bucketHint) {
        return new S3Server(shared, createBucket(shared, bucketHint), false);
    }

    private static S3ProxyServer startServer(String what) {
        long started = System.nanoTime();
        S3ProxyServer server = S3ProxyServer.start(ACCESS_KEY, SECRET_KEY);
        LOG.info("{} started: s3proxy endpoint={} startMs={}", what, server.endpoint(),
                (System.nanoTime() - started) / 1_000_000);
        return server;
    }

    private static String createBucket(S3ProxyServer server, String hint) {
        String name = bucketName(hint, BUCKETS.incrementAndGet());
        server.createBucket(name);
        return name;
    }

    /**
     * A valid, unique S3 bucket name that says which test made it: {@code freshBucketIsEmpty} and 7 give
     * {@code fresh-bucket-is-empty-7}.
     */
    static String bucketName(String hint, long sequence) {
        Objects.requireNonNull(hint, "hint");
        String suffix = "-" + sequence;
        String words = hint.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-");
        if (words.length() > MAX_BUCKET_NAME - suffix.length()) {
            words = words.substring(0, MAX_BUCKET_NAME - suffix.length());
        }
        words = words.replaceAll("^-+|-+$", "");
        if (words.length() < 2) {
            words = "bucket";
        }
        return words + suffix;
    }

    /** The HTTP endpoint, such as {@code http://127.0.0.1:43125}; unchanged by a restart. */
    public URI endpoint() {
        return server.endpoint();
    }

    /** Region to sign requests for. */
    public String region() {
        return REGION;
    }

    /** Access key to sign requests with. */
    public String accessKey() {
        return ACCESS_KEY;
    }

    /** Secret key to sign requests with. */
    public String secretKey() {
        return SECRET_KEY;
    }

    /** A bucket that existed and was empty when this handle was made, and that no other handle uses. */
    public String bucket() {
        return bucket;
    }

    /**
     * Whether {@link #stop()} and {@link #start()} are allowed: only on a private server, because the shared one
     * serves other tests.
     */
    public boolean canRestart() {
        return isPrivate;
    }

    /**
     * Stops the HTTP server, simulating an S3 outage; the stored objects are kept for {@link #start()}.
     *
     * @throws IllegalStateException when {@link #canRestart()} is false
     */
    public void stop() {
        requireRestartable("stop");
        server.stop();
        LOG.info("Private S3 for tests stopped: endpoint={}", server.endpoint());
    }

    /**
     * Starts a stopped server again on the same port, with the objects it had.
     *
     * @throws IllegalStateException when {@link #canRestart()} is false
     */
    public void start() {
        requireRestartable("start");
        long started = System.nanoTime();
        server.start();
        LOG.info("Private S3 for tests restarted: endpoint={} startMs={}", server.endpoint(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Whether the HTTP server is accepting requests. */
    public boolean isRunning() {
        return server.isRunning();
    }

    /**
     * Releases what this handle owns: its bucket and objects, and for a private server the server itself.
     * {@link S3ProxyExtension} calls it after each test.
     */
    @Override
    public void close() {
        if (isPrivate) {
            server.close();
        } else {
            server.deleteBucket(bucket);
        }
    }

    private void requireRestartable(String action) {
        if (!isPrivate) {
            throw new IllegalStateException("Cannot " + action + " the shared S3 server at " + server.endpoint()
                    + ": other tests use it. Simulate outages on a private server: S3Server.startPrivate() or a"
                    + " parameter annotated @S3ProxyExtension.Private");
        }
    }

    @Override
    public String toString() {
        return "S3Server[endpoint=" + server.endpoint() + ", bucket=" + bucket + (isPrivate ? ", private" : "") + "]";
    }
}
