package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.GCPUpload;
import livekit.LivekitEgress.S3Upload;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

class MediaWriterTest {

  private static final String ACCESS_KEY = "egress-access";
  private static final String SECRET = "egress-secret";
  private static final String BUCKET = "recordings";
  private static final String DEFAULT_BUCKET = "emulator-default";

  private static S3Proxy s3proxy;
  private static URI endpoint;
  private static S3Client s3;

  @TempDir Path dir;

  @BeforeAll
  static void startS3() throws Exception {
    s3proxy =
        S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET)
            .build();
    s3proxy.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> "STARTED".equals(s3proxy.getState()));
    endpoint = URI.create("http://127.0.0.1:" + s3proxy.getPort());
    s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET)))
            .httpClientBuilder(Apache5HttpClient.builder())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .build();
    s3.createBucket(b -> b.bucket(BUCKET));
    s3.createBucket(b -> b.bucket(DEFAULT_BUCKET));
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (s3proxy != null) {
      s3proxy.stop();
    }
  }

  // ------------------------------------------------------------------------------------------------ S3 of the request

  @Test
  void uploadsAPlayableMp4ToTheBucketOfTheRequest() throws IOException {
    MediaWriter writer = new MediaWriter(dir, null);

    MediaWriter.WrittenMedia written =
        writer.write(s3Output(requestS3().build()), "rooms/daily/rec-1.mp4", Duration.ofSeconds(3));

    byte[] object = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("rooms/daily/rec-1.mp4")).asByteArray();
    assertThat(object).hasSize((int) written.size());
    assertThat(Mp4WriterTest.Boxes.movieDurationMillis(object)).isEqualTo(3_000);
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void reportsThePathStyleLocationEgressReports() throws IOException {
    MediaWriter writer = new MediaWriter(dir, null);

    MediaWriter.WrittenMedia written =
        writer.write(s3Output(requestS3().build()), "rooms/daily/rec-2.mp4", Duration.ofSeconds(1));

    assertThat(written.location())
        .isEqualTo("https://127.0.0.1:" + s3proxy.getPort() + "/" + BUCKET + "/rooms/daily/rec-2.mp4");
  }

  @Test
  void sendsTheObjectHeadersOfTheRequest() throws IOException {
    MediaWriter writer = new MediaWriter(dir, null);
    S3Upload upload = requestS3().putMetadata("room", "daily").setContentDisposition("attachment").build();

    writer.write(s3Output(upload), "rooms/daily/rec-3.mp4", Duration.ofSeconds(1));

    HeadObjectResponse head = s3.headObject(b -> b.bucket(BUCKET).key("rooms/daily/rec-3.mp4"));
    assertThat(head.contentType()).isEqualTo("video/mp4");
    assertThat(head.contentDisposition()).isEqualTo("attachment");
    assertThat(head.metadata()).containsEntry("room", "daily");
  }

  @Test
  void sendsContentDispositionInlineWhenTheRequestNamesNone() throws IOException {
    MediaWriter writer = new MediaWriter(dir, null);

    writer.write(s3Output(requestS3().build()), "rooms/daily/rec-4.mp4", Duration.ofSeconds(1));

    assertThat(s3.headObject(b -> b.bucket(BUCKET).key("rooms/daily/rec-4.mp4")).contentDisposition())
        .isEqualTo("inline");
  }

  @Test
  void storesTheObjectUnderTheCleanedPathLikeEgress() throws IOException {
    MediaWriter writer = new MediaWriter(dir, null);

    MediaWriter.WrittenMedia written =
        writer.write(s3Output(requestS3().build()), "rooms//cleaned/./x/../rec.mp4", Duration.ofSeconds(1));

    assertThat(keysUnder(BUCKET, "rooms/cleaned/")).containsExactly("rooms/cleaned/rec.mp4");
    assertThat(written.location()).endsWith("/" + BUCKET + "/rooms/cleaned/rec.mp4");
  }

  @Test
  void wrongCredentialsInTheRequestFailTheUploadNamingS3() {
    MediaWriter writer = new MediaWriter(dir, null);
    S3Upload upload = requestS3().setSecret("not-the-secret").build();

    assertThatThrownBy(() -> writer.write(s3Output(upload), "rooms/denied/rec.mp4", Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("S3 upload failed:");
    assertThat(keysUnder(BUCKET, "rooms/denied/")).isEmpty();
  }

  @Test
  void unreachableS3FailsTheUploadNamingS3() throws IOException {
    MediaWriter writer = new MediaWriter(dir, null);
    S3Upload upload = requestS3().setEndpoint("http://127.0.0.1:" + portNobodyListensOn()).build();

    assertThatThrownBy(() -> writer.write(s3Output(upload), "rooms/down/rec.mp4", Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("S3 upload failed:");
  }

  // ------------------------------------------------------------------------------------- the emulator's own storage

  @Test
  void requestWithoutUploadSettingsGoesToTheDefaultBucket() throws IOException {
    MediaWriter writer = new MediaWriter(dir, S3Target.forEndpoint(endpoint, DEFAULT_BUCKET, ACCESS_KEY, SECRET));

    MediaWriter.WrittenMedia written = writer.write(fileOutput(), "rooms/own/rec.mp4", Duration.ofSeconds(2));

    byte[] object = s3.getObjectAsBytes(b -> b.bucket(DEFAULT_BUCKET).key("rooms/own/rec.mp4")).asByteArray();
    assertThat(object).hasSize((int) written.size());
    assertThat(written.location())
        .isEqualTo("https://127.0.0.1:" + s3proxy.getPort() + "/" + DEFAULT_BUCKET + "/rooms/own/rec.mp4");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void requestWithoutUploadSettingsIsWrittenUnderTheOutputDirectory() throws IOException {
    MediaWriter writer = new MediaWriter(dir, null);

    MediaWriter.WrittenMedia written = writer.write(fileOutput(), "rooms/local/rec.mp4", Duration.ofSeconds(2));

    Path file = dir.resolve("rooms/local/rec.mp4");
    assertThat(written.location()).isEqualTo(file.toAbsolutePath().toString());
    assertThat(Files.size(file)).isEqualTo(written.size());
    assertThat(Mp4WriterTest.Boxes.movieDurationMillis(Files.readAllBytes(file))).isEqualTo(2_000);
    try (Stream<Path> files = Files.list(dir.resolve("rooms/local"))) {
      assertThat(files).as("no partial file left behind").containsExactly(file);
    }
  }

  @Test
  void localFilesAreReadableByOthersLikeEgressFiles() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "not a POSIX file system");
    MediaWriter writer = new MediaWriter(dir, null);

    writer.write(fileOutput(), "rooms/shared/rec.mp4", Duration.ofSeconds(1));

    assertThat(Files.getPosixFilePermissions(dir.resolve("rooms/shared/rec.mp4")))
        .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
  }

  @Test
  void leadingSlashStaysInsideTheOutputDirectory() throws IOException {
    MediaWriter writer = new MediaWriter(dir, null);

    MediaWriter.WrittenMedia written = writer.write(fileOutput(), "/rooms/rooted.mp4", Duration.ofSeconds(1));

    assertThat(written.location()).isEqualTo(dir.resolve("rooms/rooted.mp4").toAbsolutePath().toString());
  }

  @Test
  void pathsLeavingTheOutputDirectoryAreRefused() {
    Path output = dir.resolve("output");
    MediaWriter writer = new MediaWriter(output, null);

    for (String escaping : List.of("../escaped.mp4", "rooms/../../escaped.mp4", "..")) {
      assertThatThrownBy(() -> writer.write(fileOutput(), escaping, Duration.ofSeconds(1)))
          .as(escaping)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("filepath");
    }
    assertThat(dir.resolve("escaped.mp4")).doesNotExist();
  }

  @Test
  void requestWithoutUploadSettingsFailsWhenTheEmulatorHasNoStorage() {
    MediaWriter writer = new MediaWriter(null, null);

    assertThatThrownBy(() -> writer.write(fileOutput(), "rooms/nowhere/rec.mp4", Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no storage");
  }

  @Test
  void uploadSettingsOtherThanS3AreRefusedNamingTheStorage() {
    MediaWriter writer = new MediaWriter(dir, null);
    EncodedFileOutput gcp =
        EncodedFileOutput.newBuilder().setGcp(GCPUpload.newBuilder().setBucket("elsewhere")).build();

    assertThatThrownBy(() -> writer.write(gcp, "rooms/gcp/rec.mp4", Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("GCP upload is not supported");
  }

  // ------------------------------------------------------------------------------------------------------ locations

  /** The S3 cases of livekit/storage location_test.go (TestS3Location), plus an S3-compatible server on a port. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                        | mybucket | false | foo.mp4            | https://mybucket.s3.amazonaws.com/foo.mp4",
        "s3.example.com            | mybucket | false | foo.mp4            | https://mybucket.s3.example.com/foo.mp4",
        "https://s3.example.com    | mybucket | false | foo.mp4            | https://mybucket.s3.example.com/foo.mp4",
        "http://s3.example.com     | mybucket | false | foo.mp4            | https://mybucket.s3.example.com/foo.mp4",
        "''                        | mybucket | false | a/b/c.mp4          | https://mybucket.s3.amazonaws.com/a/b/c.mp4",
        "''                        | mybucket | false | /foo.mp4           | https://mybucket.s3.amazonaws.com/foo.mp4",
        "''                        | mybucket | false | folder/my file.mp4 | "
            + "https://mybucket.s3.amazonaws.com/folder/my%20file.mp4",
        "''                        | mybucket | false | café/résumé.mp4    | "
            + "https://mybucket.s3.amazonaws.com/caf%C3%A9/r%C3%A9sum%C3%A9.mp4",
        "''                        | mybucket | true  | foo.mp4            | https://s3.amazonaws.com/mybucket/foo.mp4",
        "https://minio.example.com | mybucket | true  | foo.mp4            | https://minio.example.com/mybucket/foo.mp4",
        "''                        | mybucket | true  | a/b/c.mp4          | https://s3.amazonaws.com/mybucket/a/b/c.mp4",
        "''                        | mybucket | true  | /foo.mp4           | https://s3.amazonaws.com/mybucket/foo.mp4",
        "http://127.0.0.1:9000     | rec      | true  | r/1.mp4            | https://127.0.0.1:9000/rec/r/1.mp4",
      })
  void s3LocationIsSpelledLikeLiveKitStorage(
      String endpoint, String bucket, boolean forcePathStyle, String key, String expected) {
    assertThat(MediaWriter.s3Location(endpoint, bucket, forcePathStyle, key)).isEqualTo(expected);
  }

  // ------------------------------------------------------------------------------------------------------- S3Target

  @Test
  void s3TargetNeverPrintsItsSecret() {
    S3Target target = S3Target.forEndpoint(URI.create("http://127.0.0.1:9000"), "rec", "access", "top-secret");

    assertThat(target.toString()).doesNotContain("top-secret").contains("rec", "access");
  }

  @Test
  void s3TargetRefusesBlankSettings() {
    assertThatThrownBy(() -> new S3Target(null, "us-east-1", "access", "secret", " ", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucket");
    assertThatThrownBy(() -> new S3Target(null, "", "access", "secret", "rec", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region");
  }

  @Test
  void s3TargetRefusesAnEndpointThatIsNotHttp() {
    assertThatThrownBy(() -> S3Target.forEndpoint(URI.create("s3.example.com"), "rec", "access", "secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
  }

  // --------------------------------------------------------------------------------------------------------- helpers

  private static S3Upload.Builder requestS3() {
    return S3Upload.newBuilder()
        .setAccessKey(ACCESS_KEY)
        .setSecret(SECRET)
        .setRegion("us-east-1")
        .setEndpoint(endpoint.toString())
        .setBucket(BUCKET)
        .setForcePathStyle(true);
  }

  private static EncodedFileOutput s3Output(S3Upload upload) {
    return EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setS3(upload).build();
  }

  private static EncodedFileOutput fileOutput() {
    return EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).build();
  }

  private static List<String> keysUnder(String bucket, String prefix) {
    return s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
  }

  private static int portNobodyListensOn() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
