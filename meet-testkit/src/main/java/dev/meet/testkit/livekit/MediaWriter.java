package dev.meet.testkit.livekit;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.S3Upload;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Puts the MP4 of a completed emulated egress where a real egress would: into the S3 bucket of the request's
 * {@code S3Upload} settings, or, for a request without upload settings, into the emulator's own storage (its default
 * S3 bucket if it has one, else its output directory). The {@link WrittenMedia#location() location} is spelled the way
 * LiveKit egress reports {@code FileInfo.location}, so code that parses it sees the real format.
 *
 * <p>Thread-safe: egresses of one emulator complete concurrently, each write uses its own S3 client.
 */
final class MediaWriter {

  private static final Logger log = LoggerFactory.getLogger(MediaWriter.class);

  /** LiveKit egress's {@code types.OutputTypeMP4}, sent as the object's content type. */
  private static final String CONTENT_TYPE = "video/mp4";
  /** What egress sends when the request names no content disposition. */
  private static final String DEFAULT_CONTENT_DISPOSITION = "inline";
  /** The host egress names in locations when the S3 settings have no endpoint. */
  private static final String AWS_S3_HOST = "s3.amazonaws.com";

  private final @Nullable Path outputDirectory;
  private final @Nullable S3Target defaultS3;

  /**
   * @param outputDirectory where files of requests without upload settings go when there is no {@code defaultS3};
   *     created on first write
   * @param defaultS3 the bucket files of requests without upload settings go to; it takes precedence over {@code
   *     outputDirectory}, as a real egress has a single storage configuration
   */
  MediaWriter(@Nullable Path outputDirectory, @Nullable S3Target defaultS3) {
    this.outputDirectory = outputDirectory == null ? null : outputDirectory.toAbsolutePath().normalize();
    this.defaultS3 = defaultS3;
  }

  /**
   * Writes the recording.
   *
   * @param output the request's file output (its upload settings decide the destination)
   * @param filepath the object key or path relative to the output directory, already templated
   * @param duration how long the recording lasted (see {@link Mp4Writer#effectiveDuration(Duration)})
   * @throws IOException if the upload or the write fails (the message names the storage, e.g. "S3 upload failed:
   *     ..."), if the request asks for a storage the emulator does not offer (GCP, Azure, AliOSS), or if there is
   *     nowhere to write a request without upload settings
   * @throws IllegalArgumentException if {@code filepath} is blank or leaves the output directory
   */
  WrittenMedia write(EncodedFileOutput output, String filepath, Duration duration) throws IOException {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(filepath, "filepath");
    Objects.requireNonNull(duration, "duration");
    WrittenMedia written =
        switch (output.getOutputCase()) {
          case S3 -> upload(S3Destination.of(output.getS3()), filepath, duration);
          case GCP -> throw unsupported("GCP");
          case AZURE -> throw unsupported("Azure");
          case ALIOSS -> throw unsupported("AliOSS");
          case OUTPUT_NOT_SET -> writeToOwnStorage(filepath, duration);
        };
    log.debug("egress file written location={} size={}", written.location(), written.size());
    return written;
  }

  private WrittenMedia writeToOwnStorage(String filepath, Duration duration) throws IOException {
    if (defaultS3 != null) {
      return upload(S3Destination.of(defaultS3), filepath, duration);
    }
    if (outputDirectory != null) {
      return writeLocal(outputDirectory, filepath, duration);
    }
    throw new IOException(
        "no storage for a request without upload settings: the emulator has neither an output directory nor a"
            + " default S3 bucket");
  }

  private static IOException unsupported(String storage) {
    return new IOException(
        storage + " upload is not supported by the emulated egress: use S3 upload settings or none at all");
  }

  // ---------------------------------------------------------------------------------------------------- local files

  private static WrittenMedia writeLocal(Path directory, String filepath, Duration duration) throws IOException {
    Path target = resolveInside(directory, filepath);
    Path parent = Objects.requireNonNull(target.getParent(), "a file inside the directory has a parent");
    Files.createDirectories(parent);
    // Written beside the target and moved into place, so nobody watching the directory reads a half-written file.
    Path partial = Files.createTempFile(parent, ".egress-", ".mp4.partial");
    try {
      long size = Mp4Writer.write(partial, duration);
      readableByAll(partial);
      try {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
      // Egress reports the absolute path of the stored file (livekit/storage local.go: path.Join(dir, path)).
      return new WrittenMedia(target.toString(), size);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** Temporary files are private to their owner; egress's files are not (Go's os.Create: 0666 less the umask). */
  private static void readableByAll(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its defaults apply.
    }
  }

  /**
   * {@code filepath} under {@code directory}. A leading slash does not make it absolute (egress joins it to its
   * directory); a path that climbs out of the directory is refused, as the request comes from a client.
   */
  static Path resolveInside(Path directory, String filepath) {
    String relative = filepath.replaceFirst("^/+", "");
    if (relative.isBlank()) {
      throw new IllegalArgumentException("filepath must name a file, was '" + filepath + "'");
    }
    Path target;
    try {
      target = directory.resolve(relative).normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("filepath is not a valid path: '" + filepath + "'", e);
    }
    if (!target.startsWith(directory) || target.equals(directory)) {
      throw new IllegalArgumentException("filepath escapes the output directory: '" + filepath + "'");
    }
    return target;
  }

  // ------------------------------------------------------------------------------------------------------------ S3

  private static WrittenMedia upload(S3Destination destination, String filepath, Duration duration)
      throws IOException {
    // Egress puts the object at path.Join(prefix, filepath): the cleaned path.
    String key = cleanPath(filepath);
    if (key.equals(".") || key.equals("/")) {
      throw new IllegalArgumentException("filepath must name a file, was '" + filepath + "'");
    }
    byte[] mp4 = Mp4Writer.encode(duration);
    PutObjectRequest.Builder put =
        PutObjectRequest.builder()
            .bucket(destination.bucket())
            .key(key)
            .contentType(CONTENT_TYPE)
            .contentDisposition(destination.contentDisposition())
            .metadata(destination.metadata());
    if (!destination.tagging().isEmpty()) {
      put.tagging(destination.tagging());
    }
    AwsCredentialsProvider credentials = destination.credentials();
    try (S3Client s3 = destination.client(credentials)) {
      s3.putObject(put.build(), RequestBody.fromBytes(mp4));
    } catch (SdkException e) {
      // The wording of LiveKit egress's ErrUploadFailed ("S3 upload failed: ...").
      throw new IOException("S3 upload failed: " + e.getMessage(), e);
    } finally {
      if (credentials instanceof SdkAutoCloseable closeable) {
        closeable.close();
      }
    }
    return new WrittenMedia(
        s3Location(destination.locationEndpoint(), destination.bucket(), destination.forcePathStyle(), key),
        mp4.length);
  }

  /**
   * {@code FileInfo.location} of an S3 upload, as LiveKit's storage library builds it ({@code s3Storage.location} in
   * livekit/storage s3.go, the version current egress depends on): always {@code https}, the endpoint's own scheme
   * dropped, {@code s3.amazonaws.com} without an endpoint, the bucket in the path or in the host by path style, and
   * the path escaped like Go's {@code url.URL.String()}.
   *
   * @param endpoint the endpoint exactly as configured, empty for none
   */
  static String s3Location(String endpoint, String bucket, boolean forcePathStyle, String key) {
    String host = endpoint.isEmpty() ? AWS_S3_HOST : endpoint;
    host = removePrefix(removePrefix(host, "https://"), "http://");
    String path;
    if (forcePathStyle) {
      path = cleanPath(bucket + "/" + key);
    } else {
      host = bucket + "." + host;
      path = key;
    }
    String escapedPath = goEscape(path, false);
    StringBuilder location = new StringBuilder("https://").append(goEscape(host, true));
    if (!escapedPath.isEmpty() && escapedPath.charAt(0) != '/') {
      location.append('/');
    }
    return location.append(escapedPath).toString();
  }

  private static String removePrefix(String value, String prefix) {
    return value.startsWith(prefix) ? value.substring(prefix.length()) : value;
  }

  /** Go's {@code path.Clean}: the key egress uploads to and names in locations. */
  static String cleanPath(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.charAt(0) == '/';
    Deque<String> kept = new ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (!kept.isEmpty() && !kept.peekLast().equals("..")) {
          kept.removeLast();
        } else if (!rooted) {
          kept.addLast("..");
        }
        continue;
      }
      kept.addLast(segment);
    }
    String joined = String.join("/", kept);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }

  /** Go's {@code url} escaping of a host ({@code encodeHost}) or a whole path ({@code encodePath}). */
  private static String goEscape(String value, boolean host) {
    StringBuilder escaped = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (keepsUnescaped(c, host)) {
        escaped.append((char) c);
      } else {
        escaped.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        escaped.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return escaped.toString();
  }

  private static boolean keepsUnescaped(int c, boolean host) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    if ("-_.~".indexOf(c) >= 0) {
      return true;
    }
    return host ? "!$&'()*+,;=:[]<>\"".indexOf(c) >= 0 : "$&+,/:;=@".indexOf(c) >= 0;
  }

  /**
   * One S3 upload's settings: the request's {@code S3Upload} or the emulator's {@link S3Target}.
   *
   * @param endpoint what the client talks to, {@code null} for AWS
   * @param locationEndpoint the endpoint as configured, empty for none: locations are built from it
   * @param accessKey empty to use the default AWS credential chain, as egress does
   */
  private record S3Destination(
      @Nullable URI endpoint,
      String locationEndpoint,
      String region,
      String accessKey,
      String secret,
      String sessionToken,
      String bucket,
      boolean forcePathStyle,
      Map<String, String> metadata,
      String tagging,
      String contentDisposition) {

    static S3Destination of(S3Upload request) throws IOException {
      String endpoint = request.getEndpoint();
      @Nullable URI uri = null;
      if (!endpoint.isEmpty()) {
        try {
          uri = URI.create(endpoint.contains("://") ? endpoint : "https://" + endpoint);
        } catch (IllegalArgumentException e) {
          throw new IOException("S3 upload failed: invalid endpoint '" + endpoint + "'", e);
        }
      }
      return new S3Destination(
          uri,
          endpoint,
          // Egress signs for us-east-1 when the request names no region.
          request.getRegion().isEmpty() ? S3Target.DEFAULT_REGION : request.getRegion(),
          request.getAccessKey(),
          request.getSecret(),
          request.getSessionToken(),
          request.getBucket(),
          request.getForcePathStyle(),
          Map.copyOf(request.getMetadataMap()),
          request.getTagging(),
          request.getContentDisposition().isEmpty() ? DEFAULT_CONTENT_DISPOSITION : request.getContentDisposition());
    }

    static S3Destination of(S3Target target) {
      URI endpoint = target.endpoint();
      return new S3Destination(
          endpoint,
          endpoint == null ? "" : endpoint.toString(),
          target.region(),
          target.accessKey(),
          target.secret(),
          "",
          target.bucket(),
          target.forcePathStyle(),
          Map.of(),
          "",
          DEFAULT_CONTENT_DISPOSITION);
    }

    AwsCredentialsProvider credentials() {
      if (accessKey.isEmpty() || secret.isEmpty()) {
        return DefaultCredentialsProvider.builder().build();
      }
      return StaticCredentialsProvider.create(
          sessionToken.isEmpty()
              ? AwsBasicCredentials.create(accessKey, secret)
              : AwsSessionCredentials.create(accessKey, secret, sessionToken));
    }

    S3Client client(AwsCredentialsProvider credentials) {
      S3ClientBuilder builder =
          S3Client.builder()
              .region(Region.of(region))
              .credentialsProvider(credentials)
              // Named explicitly: the SDK refuses to pick when several HTTP clients are on the classpath.
              .httpClientBuilder(
                  Apache5HttpClient.builder()
                      .connectionTimeout(Duration.ofSeconds(5))
                      .socketTimeout(Duration.ofSeconds(30)))
              .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMinutes(2)))
              .forcePathStyle(forcePathStyle);
      if (endpoint != null) {
        // Like egress with a custom endpoint: no default checksums, which S3-compatible servers may not support.
        builder
            .endpointOverride(endpoint)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      }
      return builder.build();
    }

    @Override
    public String toString() {
      return "S3Destination[endpoint=" + locationEndpoint + ", bucket=" + bucket + "]";
    }
  }

  /**
   * A written recording.
   *
   * @param location what egress reports as {@code FileInfo.location}: an {@code https://} URL for S3, the absolute
   *     path for a local file
   * @param size the file's size in bytes
   */
  record WrittenMedia(String location, long size) {
    WrittenMedia {
      if (location == null || location.isBlank()) {
        throw new IllegalArgumentException("location must not be blank");
      }
      if (size <= 0) {
        throw new IllegalArgumentException("size must be positive, was " + size);
      }
    }
  }
}
