package dev.meet.benchmarks;

import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.s3.S3RecordingStorage;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A private in-process s3proxy with one bucket, and an S3 client on it that counts the HTTP requests it sends (an
 * SDK interceptor), so a benchmark reports real S3 requests.
 */
final class BenchS3 implements AutoCloseable {

  private final S3Server server;
  private final S3Client client;
  private final AtomicLong requests = new AtomicLong();

  BenchS3() {
    server = S3Server.startPrivate();
    ExecutionInterceptor counter = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        requests.incrementAndGet();
      }
    };
    client = S3Client.builder()
        .endpointOverride(server.endpoint())
        .region(Region.of(server.region()))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
        .httpClientBuilder(Apache5HttpClient.builder().maxConnections(64))
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30)).addExecutionInterceptor(counter))
        .build();
  }

  S3Server server() {
    return server;
  }

  S3Client client() {
    return client;
  }

  /** HTTP requests sent to S3 so far (retries included). */
  long requests() {
    return requests.get();
  }

  S3RecordingStorage newStorage() {
    return new S3RecordingStorage(client, server.bucket(), StorageLayout.defaults(), null);
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
