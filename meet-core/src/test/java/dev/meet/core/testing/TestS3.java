package dev.meet.core.testing;

import dev.meet.core.storage.MediaTarget;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3 clients for tests against the test kit's s3proxy: path style, short timeouts, no retries. */
public final class TestS3 {

  private TestS3() {}

  public static S3Client client(S3Server server, ExecutionInterceptor... interceptors) {
    return S3Client.builder()
        .endpointOverride(server.endpoint())
        .region(Region.of(server.region()))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
        .overrideConfiguration(c -> {
          c.apiCallTimeout(Duration.ofSeconds(5)).retryStrategy(b -> b.maxAttempts(1));
          for (ExecutionInterceptor interceptor : interceptors) {
            c.addExecutionInterceptor(interceptor);
          }
        })
        .build();
  }

  /** What the egress needs to upload into the same bucket. */
  public static MediaTarget.S3Upload upload(S3Server server) {
    return new MediaTarget.S3Upload(server.endpoint(), server.region(), server.accessKey(), server.secretKey(),
        server.bucket(), true);
  }
}
