package dev.meet.testkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

class S3ServerTest {

    @Test
    void bucketNameSpellsOutTheTestMethod() {
        assertThat(S3Server.bucketName("freshBucketIsEmpty", 7)).isEqualTo("fresh-bucket-is-empty-7");
    }

    @Test
    void bucketNameIsCutToTheS3LimitWithoutATrailingHyphen() {
        String name = S3Server.bucketName("aVeryLongTestMethodNameThatGoesOnAndOnWellPastWhatS3Allows", 123);

        assertThat(name).hasSizeLessThanOrEqualTo(63).endsWith("-123").doesNotContain("--")
                .matches("[a-z0-9][a-z0-9-]*[a-z0-9]");
    }

    @Test
    void unusableHintStillGivesAValidName() {
        assertThat(S3Server.bucketName("_", 1)).isEqualTo("bucket-1");
    }

    @Test
    void closingASharedHandleDeletesItsBucketAndObjectsButKeepsTheServer() {
        try (S3ProxyServer shared = S3Server.startShared()) {
            S3Server first = S3Server.withNewBucket(shared, "first");
            S3Server second = S3Server.withNewBucket(shared, "second");
            try (S3Client s3 = client(first)) {
                s3.putObject(b -> b.bucket(first.bucket()).key("k"), RequestBody.fromString("v"));

                first.close();

                assertThatThrownBy(() -> s3.listObjectsV2(b -> b.bucket(first.bucket())))
                        .isInstanceOf(NoSuchBucketException.class);
                assertThat(s3.listObjectsV2(b -> b.bucket(second.bucket())).contents()).isEmpty();
            }
        }
    }

    @Test
    void seededObjectsAreServedOverHttpWithTheirContentAndListed() {
        try (S3Server server = S3Server.startPrivate(); S3Client s3 = client(server)) {
            for (int i = 0; i < 3; i++) {
                server.seed("seeded/" + i + ".json", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }

            assertThat(s3.getObjectAsBytes(b -> b.bucket(server.bucket()).key("seeded/2.json")).asUtf8String())
                    .isEqualTo("{\"n\":2}");
            assertThat(s3.listObjectsV2(b -> b.bucket(server.bucket()).prefix("seeded/")).contents())
                    .extracting(o -> o.key() + ":" + o.size())
                    .containsExactly("seeded/0.json:7", "seeded/1.json:7", "seeded/2.json:7");
        }
    }

    private static S3Client client(S3Server server) {
        return S3Client.builder()
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .region(Region.of(server.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .httpClient(Apache5HttpClient.create())
                .build();
    }
}
