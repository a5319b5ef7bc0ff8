package dev.meet.autoconfigure;

import dev.meet.testkit.livekit.S3Target;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3 for tests against the test kit's s3proxy. */
final class TestS3 {

  private TestS3() {}

  /** No retries and short timeouts, through the customizer the starter offers for it. */
  static final S3ClientCustomizer CUSTOMIZER = builder -> builder.overrideConfiguration(
      c -> c.apiCallTimeout(Duration.ofSeconds(5)).retryStrategy(b -> b.maxAttempts(1)));

  /** The starter's S3 properties for this server and bucket. */
  static String[] properties(S3Server s3) {
    return new String[] {"meet.storage.s3.bucket=" + s3.bucket(), "meet.storage.s3.endpoint=" + s3.endpoint(),
        "meet.storage.s3.region=" + s3.region(), "meet.storage.s3.access-key=" + s3.accessKey(),
        "meet.storage.s3.secret-key=" + s3.secretKey()};
  }

  /**
   * The emulated egress's own storage configuration for this bucket: it writes there without the starter sending any
   * credentials, the default deployment.
   */
  static S3Target egressStorage(S3Server s3) {
    return new S3Target(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), s3.bucket(), true);
  }

  /** A client of the test's own, to look into the bucket. */
  static S3Client client(S3Server s3) {
    return S3Client.builder()
        .endpointOverride(s3.endpoint())
        .region(Region.of(s3.region()))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .build();
  }
}
