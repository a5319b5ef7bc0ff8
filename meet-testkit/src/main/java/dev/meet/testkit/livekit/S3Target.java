package dev.meet.testkit.livekit;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An S3 bucket the emulated egress uploads its files to when a request carries no upload settings of its own, like
 * the {@code s3} storage section of a real egress's configuration.
 *
 * <pre>{@code
 * S3Target.forEndpoint(URI.create("http://127.0.0.1:9000"), "recordings", "access", "secret")
 * }</pre>
 *
 * @param endpoint the S3 endpoint ({@code http(s)://host[:port]}), or {@code null} for AWS itself
 * @param region the signing region, e.g. {@code us-east-1}
 * @param accessKey the access key id
 * @param secret the secret access key (never printed by {@link #toString()})
 * @param bucket the bucket files are put into
 * @param forcePathStyle whether requests (and reported locations) name the bucket in the path rather than the host
 */
public record S3Target(
    @Nullable URI endpoint, String region, String accessKey, String secret, String bucket, boolean forcePathStyle) {

  /** The region egress signs with when none is given. */
  public static final String DEFAULT_REGION = "us-east-1";

  public S3Target {
    if (endpoint != null) {
      String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
      if ((!scheme.equals("http") && !scheme.equals("https")) || endpoint.getHost() == null) {
        throw new IllegalArgumentException("endpoint must be an http(s)://host[:port] URI, was " + endpoint);
      }
    }
    requireText(region, "region");
    requireText(accessKey, "accessKey");
    requireText(secret, "secret");
    requireText(bucket, "bucket");
  }

  /**
   * An S3-compatible server (MinIO, s3proxy, ...): path-style requests, signed for {@value #DEFAULT_REGION}.
   */
  public static S3Target forEndpoint(URI endpoint, String bucket, String accessKey, String secret) {
    Objects.requireNonNull(endpoint, "endpoint");
    return new S3Target(endpoint, DEFAULT_REGION, accessKey, secret, bucket, true);
  }

  @Override
  public String toString() {
    return "S3Target[endpoint="
        + endpoint
        + ", region="
        + region
        + ", accessKey="
        + accessKey
        + ", secret=<redacted>, bucket="
        + bucket
        + ", forcePathStyle="
        + forcePathStyle
        + "]";
  }

  private static void requireText(@Nullable String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
