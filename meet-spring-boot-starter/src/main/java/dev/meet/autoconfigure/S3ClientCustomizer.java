package dev.meet.autoconfigure;

import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Adjusts the S3 client built from {@code meet.storage.s3.*} (timeouts, retries, credentials) before it is built. */
@FunctionalInterface
public interface S3ClientCustomizer {
  void customize(S3ClientBuilder builder);
}
