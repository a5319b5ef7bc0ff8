package dev.meet.testkit.s3;

import java.io.ByteArrayInputStream;
import java.net.URI;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * One s3proxy (Jetty) in this JVM over an in-memory blob store. The store outlives {@link #stop()}, and a restart
 * binds the port of the first start, so a restart looks to clients like an S3 outage that ends with the data intact.
 */
final class S3ProxyServer implements AutoCloseable {

    static final String HOST = "127.0.0.1";

    private final String accessKey;
    private final String secretKey;
    private final BlobStore blobStore = new AtomicConditionalWrites(new TransientNio2BlobStore());
    private @Nullable S3Proxy proxy;
    private int port;

    private S3ProxyServer(String accessKey, String secretKey) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts on a free port of 127.0.0.1; requests must be signed with these credentials. */
    static S3ProxyServer start(String accessKey, String secretKey) {
        S3ProxyServer server = new S3ProxyServer(accessKey, secretKey);
        server.start();
        return server;
    }

    synchronized void start() {
        if (proxy != null) {
            return;
        }
        S3Proxy started = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://" + HOST + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // An outage test wants the port closed now, not after in-flight keep-alive requests drain.
                .stopTimeout(0)
                .build();
        try {
            started.start();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start s3proxy on " + HOST + ":" + port, e);
        }
        port = started.getPort();
        proxy = started;
    }

    synchronized void stop() {
        S3Proxy running = proxy;
        if (running == null) {
            return;
        }
        proxy = null;
        try {
            running.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop s3proxy on " + HOST + ":" + port, e);
        }
    }

    synchronized boolean isRunning() {
        return proxy != null;
    }

    /** The endpoint; stable across restarts once the server has started. */
    synchronized URI endpoint() {
        return URI.create("http://" + HOST + ":" + port);
    }

    /** Creates a bucket directly in the store, which works whether or not the HTTP side is up. */
    void createBucket(String name) {
        blobStore.createContainer(name);
    }

    /** Writes an object directly in the store, bypassing HTTP. */
    void putObject(String bucket, String key, byte[] content) {
        blobStore.putBlob(PutObjectRequest.builder().bucket(bucket).key(key).contentLength((long) content.length)
                .build(), new ByteArrayInputStream(content));
    }

    /** Deletes a bucket and everything in it, directly in the store. */
    void deleteBucket(String name) {
        if (blobStore.containerExists(name)) {
            blobStore.deleteContainer(name);
        }
    }

    @Override
    public void close() {
        stop();
        blobStore.close();
    }
}
