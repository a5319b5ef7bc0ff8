package dev.meet.autoconfigure;

import dev.meet.core.storage.MediaTarget;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.local.LocalRecordingStorage;
import dev.meet.core.storage.s3.S3RecordingStorage;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Storage: an S3 bucket when {@code meet.storage.s3.bucket} is set (through the application's {@code S3Client} when it
 * has one, e.g. Spring Cloud AWS's), else a local directory.
 */
final class MeetStorageConfigurations {

  private MeetStorageConfigurations() {}

  static StorageLayout layout(MeetProperties properties) {
    try {
      return new StorageLayout(properties.storage().prefix());
    } catch (IllegalArgumentException e) {
      throw new MeetConfigurationException("meet.storage.prefix", e.getMessage(),
          "Set meet.storage.prefix to segments of letters, digits, '.', '_' or '-' each ending with '/', "
              + "e.g. openvidu-meet/.", e);
    }
  }

  /**
   * Whether both keys are set; one without the other is a mistake, not a request for the default credential chain.
   */
  static boolean hasCredentials(MeetProperties.S3 s3) {
    boolean accessKey = StringUtils.hasText(s3.accessKey());
    boolean secretKey = StringUtils.hasText(s3.secretKey());
    if (accessKey != secretKey) {
      throw new MeetConfigurationException(accessKey ? "meet.storage.s3.secret-key" : "meet.storage.s3.access-key",
          "is not set while its pair is",
          "Set both meet.storage.s3.access-key and meet.storage.s3.secret-key, or neither (the AWS default "
              + "credential chain).");
    }
    return accessKey;
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(S3Client.class)
  @ConditionalOnProperty("meet.storage.s3.bucket")
  static class S3 {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    S3Client meetS3Client(MeetProperties properties, ObjectProvider<S3ClientCustomizer> customizers) {
      MeetProperties.S3 s3 = properties.storage().s3();
      MeetAutoConfiguration.positive(s3.callTimeout(), "meet.storage.s3.call-timeout", "10s");
      S3ClientBuilder builder = S3Client.builder()
          .region(Region.of(s3.region()))
          .forcePathStyle(s3.forcePathStyle())
          // Checksums only where S3 requires them (DeleteObjects): since SDK 2.30 every PUT computes a CRC32 and
          // every GET asks for and validates one by default, CPU on each request while TLS and the ETag already
          // guard these small objects. A customizer can turn them back on (WHEN_SUPPORTED).
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
          // The SDK bounds no call by default: a stalled one would outlast the webhook deadline.
          .overrideConfiguration(c -> c.apiCallTimeout(s3.callTimeout()));
      if (s3.endpoint() != null) {
        builder.endpointOverride(s3.endpoint());
      }
      if (hasCredentials(s3)) {
        builder.credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())));
      }
      customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
      return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    RecordingStorage meetS3Storage(S3Client s3Client, MeetProperties properties) {
      MeetProperties.S3 s3 = properties.storage().s3();
      String bucket = MeetAutoConfiguration.require(s3.bucket(), "meet.storage.s3.bucket",
          "Set meet.storage.s3.bucket to an existing bucket.");
      // No call to S3 here: a bucket that is unreachable at start-up shows in health, and the storage works once it
      // is back.
      if (!s3.sendCredentialsToEgress()) {
        return new S3RecordingStorage(s3Client, bucket, layout(properties));
      }
      if (!hasCredentials(s3)) {
        throw new MeetConfigurationException("meet.storage.s3.access-key",
            "is needed to send credentials to the egress (meet.storage.s3.send-credentials-to-egress=true)",
            "Set meet.storage.s3.access-key and meet.storage.s3.secret-key, or leave "
                + "meet.storage.s3.send-credentials-to-egress off and give the egress its own storage configuration "
                + "for the bucket.");
      }
      return new S3RecordingStorage(s3Client, bucket, layout(properties), new MediaTarget.S3Upload(s3.endpoint(),
          s3.region(), s3.accessKey(), s3.secretKey(), bucket, s3.forcePathStyle()));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Local {

    @Bean
    @ConditionalOnMissingBean
    RecordingStorage meetLocalStorage(MeetProperties properties, ResourceLoader resourceLoader) {
      // The application context's class loader, as for the @ConditionalOnClass that skipped the S3 storage.
      if (properties.storage().s3().bucket() != null && !ClassUtils.isPresent(
          "software.amazon.awssdk.services.s3.S3Client", resourceLoader.getClassLoader())) {
        throw new MeetConfigurationException("meet.storage.s3.bucket",
            "is set but the AWS SDK is not on the classpath",
            "Add the dependency software.amazon.awssdk:s3, or remove meet.storage.s3.* to store recordings in "
                + "meet.storage.local-directory.");
      }
      return new LocalRecordingStorage(properties.storage().localDirectory(), layout(properties));
    }
  }
}
