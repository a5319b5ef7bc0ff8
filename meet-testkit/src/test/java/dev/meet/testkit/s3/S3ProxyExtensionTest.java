package dev.meet.testkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

@ExtendWith(S3ProxyExtension.class)
class S3ProxyExtensionTest {

    private static final Set<String> BUCKETS_SEEN = ConcurrentHashMap.newKeySet();
    private static @Nullable S3Server classHandle;

    private @Nullable S3Server fromBeforeEach;
    private @Nullable S3Client client;

    @BeforeAll
    static void rememberClassHandle(S3Server s3) {
        classHandle = s3;
    }

    @BeforeEach
    void connect(S3Server s3) {
        fromBeforeEach = s3;
        client = client(s3, s3.accessKey(), s3.secretKey());
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @RepeatedTest(3)
    void everyTestStartsWithItsOwnEmptyBucket(S3Server s3) {
        S3Client s3Client = client(s3);

        assertThat(s3Client.listObjectsV2(b -> b.bucket(s3.bucket())).contents()).isEmpty();
        assertThat(BUCKETS_SEEN.add(s3.bucket())).as("bucket %s was new", s3.bucket()).isTrue();

        s3Client.putObject(b -> b.bucket(s3.bucket()).key("left-behind"), RequestBody.fromString("x"));
    }

    @Test
    void bucketIsNamedAfterTheTestAndSharedWithItsBeforeEach(S3Server s3) {
        assertThat(s3).isSameAs(fromBeforeEach);
        assertThat(s3.bucket()).startsWith("bucket-is-named-after-the-test");
        assertThat(s3.bucket()).isNotEqualTo(classHandle.bucket());
        assertThat(s3.endpoint()).isEqualTo(classHandle.endpoint());
    }

    @Test
    void sdkCanPutGetListAndDeleteWithTheGivenCredentials(S3Server s3) {
        S3Client s3Client = client(s3);

        s3Client.putObject(b -> b.bucket(s3.bucket()).key("rooms/r1/recording.mp4"),
                RequestBody.fromString("not really an mp4"));

        assertThat(s3Client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key("rooms/r1/recording.mp4"))
                .asUtf8String()).isEqualTo("not really an mp4");
        assertThat(s3Client.listObjectsV2(b -> b.bucket(s3.bucket()).prefix("rooms/")).contents())
                .extracting(S3Object::key).containsExactly("rooms/r1/recording.mp4");

        s3Client.deleteObject(b -> b.bucket(s3.bucket()).key("rooms/r1/recording.mp4"));

        assertThat(s3Client.listObjectsV2(b -> b.bucket(s3.bucket())).contents()).isEmpty();
        assertThatThrownBy(() -> s3Client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key("rooms/r1/recording.mp4")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void concurrentPutsNamingTheSameEtagNeverBothSucceed(S3Server s3) throws Exception {
        S3Client s3Client = client(s3);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 100; round++) {
                String key = "race-" + round;
                String etag = s3Client.putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromString("v0")).eTag();
                java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
                java.util.List<java.util.concurrent.Future<Boolean>> writers = new java.util.ArrayList<>();
                for (int writer = 0; writer < 2; writer++) {
                    String body = "v1-" + writer;
                    writers.add(pool.submit(() -> {
                        gate.await();
                        try {
                            s3Client.putObject(b -> b.bucket(s3.bucket()).key(key).ifMatch(etag), RequestBody.fromString(body));
                            return true;
                        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                            assertThat(e.statusCode()).isEqualTo(412);
                            return false;
                        }
                    }));
                }
                gate.countDown();
                int succeeded = 0;
                for (java.util.concurrent.Future<Boolean> w : writers) {
                    succeeded += w.get() ? 1 : 0;
                }
                assertThat(succeeded).as("round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void conditionalPutOnAnExistingKeyIsRejectedWith412(S3Server s3) {
        S3Client s3Client = client(s3);
        s3Client.putObject(b -> b.bucket(s3.bucket()).key("lease").ifNoneMatch("*"), RequestBody.fromString("first"));

        assertThatThrownBy(() -> s3Client.putObject(b -> b.bucket(s3.bucket()).key("lease").ifNoneMatch("*"),
                RequestBody.fromString("second")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
        assertThat(s3Client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key("lease")).asUtf8String())
                .isEqualTo("first");
    }

    @Test
    void wrongCredentialsAreRejectedWith403(S3Server s3) {
        try (S3Client intruder = client(s3, s3.accessKey(), "not-the-secret")) {
            assertThatThrownBy(() -> intruder.listObjectsV2(b -> b.bucket(s3.bucket())))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    @Test
    void sharedServerRefusesToBeStopped(S3Server s3) {
        assertThat(s3.canRestart()).isFalse();
        assertThatThrownBy(s3::stop)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@S3ProxyExtension.Private");
    }

    @Test
    void privateServerRestartsOnTheSamePortWithItsObjects(@S3ProxyExtension.Private S3Server own) {
        try (S3Client s3Client = client(own, own.accessKey(), own.secretKey())) {
            s3Client.putObject(b -> b.bucket(own.bucket()).key("kept"), RequestBody.fromString("still here"));
            var endpoint = own.endpoint();

            own.stop();

            assertThat(own.isRunning()).isFalse();
            assertThatThrownBy(() -> s3Client.getObjectAsBytes(b -> b.bucket(own.bucket()).key("kept")))
                    .isInstanceOf(SdkClientException.class);

            own.start();

            assertThat(own.endpoint()).isEqualTo(endpoint);
            assertThat(s3Client.getObjectAsBytes(b -> b.bucket(own.bucket()).key("kept")).asUtf8String())
                    .isEqualTo("still here");
        }
    }

    @Test
    void startPrivateGivesAServerThatIsGoneAfterClose() {
        S3Server own = S3Server.startPrivate();
        try (S3Client s3Client = client(own, own.accessKey(), own.secretKey())) {
            try (own) {
                assertThat(s3Client.listObjectsV2(b -> b.bucket(own.bucket())).contents()).isEmpty();
            }

            assertThatThrownBy(() -> s3Client.listObjectsV2(b -> b.bucket(own.bucket())))
                    .isInstanceOf(SdkClientException.class);
        }
    }

    private S3Client client(S3Server s3) {
        assertThat(s3).isSameAs(fromBeforeEach);
        return client;
    }

    /** No retries: a refused connection or a 403 should fail the call at once. */
    private static S3Client client(S3Server s3, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .region(Region.of(s3.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(Apache5HttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }
}
