package dev.meet.core.storage;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where the egress must write a recording's media: a path (an object key, or a path under the egress's own output),
 * and the S3 upload settings to pass in the egress request when the storage is a bucket.
 *
 * @param filepath without extension: the egress appends {@code .mp4}
 * @param s3 upload settings, or null to rely on the egress's own storage configuration
 */
public record MediaTarget(String filepath, @Nullable S3Upload s3) {
  public MediaTarget {
    Objects.requireNonNull(filepath, "filepath");
  }

  /** S3 upload settings for the egress request. */
  public record S3Upload(@Nullable URI endpoint, String region, String accessKey, String secret, String bucket,
      boolean forcePathStyle) {
    public S3Upload {
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(accessKey, "accessKey");
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(bucket, "bucket");
    }

    @Override
    public String toString() {
      return "S3Upload[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + "]";
    }
  }
}
