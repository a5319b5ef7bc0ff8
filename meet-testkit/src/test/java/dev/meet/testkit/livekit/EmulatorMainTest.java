package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The standalone emulator's command line. */
class EmulatorMainTest {

  @TempDir Path output;

  @Test
  void withoutFlagsItListensOn7880WithTheDevCredentials() {
    EmulatorMain.Options options = EmulatorMain.options(new String[0]);

    assertThat(options.port()).isEqualTo(7880);
    assertThat(options.apiKey()).isEqualTo("devkey");
    assertThat(options.apiSecret()).isEqualTo("secret");
    assertThat(options.host()).isNull();
    assertThat(options.webhookUrls()).isEmpty();
    assertThat(options.activationDelay()).isNull();
    assertThat(options.defaultS3()).isNull();
  }

  @Test
  void everyFlagIsRead() {
    EmulatorMain.Options options = EmulatorMain.options(new String[] {
        "--port", "0",
        "--host", "0.0.0.0",
        "--api-key", "key1",
        "--api-secret", "secret1",
        "--webhook-url", "http://127.0.0.1:6080/livekit/webhook",
        "--webhook-url", "https://example.com/hook",
        "--activation-delay", "250ms",
        "--ending-delay", "2s",
        "--start-signal-timeout", "1m",
        "--webhook-retry-base", "PT0.5S",
        "--empty-timeout", "5s",
        "--departure-timeout", "750ms",
        "--egress-retention", "PT24H",
        "--output-dir", output.toString()});

    assertThat(options.port()).isZero();
    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.apiKey()).isEqualTo("key1");
    assertThat(options.apiSecret()).isEqualTo("secret1");
    assertThat(options.webhookUrls()).containsExactly(
        URI.create("http://127.0.0.1:6080/livekit/webhook"), URI.create("https://example.com/hook"));
    assertThat(options.activationDelay()).isEqualTo(Duration.ofMillis(250));
    assertThat(options.endingDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.startSignalTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(options.webhookRetryBase()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.emptyTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.departureTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(options.egressRetention()).isEqualTo(Duration.ofHours(24));
    assertThat(options.outputDirectory()).isEqualTo(output);
  }

  @Test
  void theParsedBuilderMakesAnEmulatorWithThoseSettings() {
    LiveKitEmulator.Builder builder = EmulatorMain.parse(new String[] {
        "--port", "0", "--api-key", "key1", "--api-secret", "secret1", "--output-dir", output.toString(),
        "--empty-timeout", "7s", "--departure-timeout", "3s", "--egress-retention", "1m"});

    try (LiveKitEmulator emulator = builder.build().start()) {
      assertThat(emulator.apiKey()).isEqualTo("key1");
      assertThat(emulator.apiSecret()).isEqualTo("secret1");
      assertThat(emulator.outputDirectory()).isEqualTo(output);
      assertThat(emulator.port()).isPositive();
      assertThat(emulator.url()).isEqualTo("http://127.0.0.1:" + emulator.port());
      assertThat(emulator.emptyTimeout()).isEqualTo(Duration.ofSeconds(7));
      assertThat(emulator.departureTimeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(emulator.egressRetention()).isEqualTo(Duration.ofMinutes(1));
    }
  }

  @Test
  void theS3FlagsMakeTheEgressesOwnStorage() {
    EmulatorMain.Options options = EmulatorMain.options(new String[] {
        "--s3-bucket", "recordings",
        "--s3-endpoint", "http://127.0.0.1:9000",
        "--s3-region", "eu-west-1",
        "--s3-access-key", "access",
        "--s3-secret", "s3cr3t",
        "--s3-force-path-style", "false"});

    assertThat(options.defaultS3()).isEqualTo(
        new S3Target(URI.create("http://127.0.0.1:9000"), "eu-west-1", "access", "s3cr3t", "recordings", false));
  }

  @Test
  void anS3BucketDefaultsToUsEast1AndPathStyle() {
    EmulatorMain.Options options = EmulatorMain.options(new String[] {
        "--s3-bucket", "recordings", "--s3-access-key", "access", "--s3-secret", "s3cr3t"});

    assertThat(options.defaultS3()).isEqualTo(
        new S3Target(null, "us-east-1", "access", "s3cr3t", "recordings", true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h"})
  void helpIsAskedForAndNoEmulatorIsDescribed(String flag) {
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--port", "1234", flag}))
        .isInstanceOf(EmulatorMain.HelpRequested.class);
  }

  // ------------------------------------------------------------------ durations

  @ParameterizedTest
  @CsvSource({
      "1500ms, PT1.5S",
      "0ms, PT0S",
      "2s, PT2S",
      "1.5s, PT1.5S",
      "0.25s, PT0.25S",
      "1m, PT1M",
      "PT2S, PT2S",
      "pt0.1s, PT0.1S",
      "' 3s ', PT3S"})
  void durationsAreReadInEveryDocumentedForm(String text, String expected) {
    assertThat(EmulatorMain.parseDuration("--ending-delay", text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "ms", "2h", "-5ms", "PT-1S", "NaNs", "Infinitys", "1e3s", "1,5s", "soon"})
  void aDurationThatIsNotOneIsRejectedNamingItsFlag(String text) {
    assertThatThrownBy(() -> EmulatorMain.parseDuration("--ending-delay", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--ending-delay ")
        .hasMessageContaining(text);
  }

  // ------------------------------------------------------------------ bad flags

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--port|abc",
      "--port|70000",
      "--port|-1",
      "--activation-delay|fast",
      "--ending-delay|-1s",
      "--start-signal-timeout|10",
      "--webhook-retry-base|2h",
      "--empty-timeout|-1s",
      "--departure-timeout|soon",
      "--egress-retention|10",
      "--webhook-url|not a url",
      "--webhook-url|ftp://example.com/hook",
      "--webhook-url|/relative/hook",
      "--s3-endpoint|localhost:9000",
      "--s3-force-path-style|yes",
      "--api-key|' '",
      "--api-secret|''",
      "--host|''"})
  void aBadValueIsRejectedNamingItsFlag(String flag, String value) {
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {flag, value}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(flag + " ");
  }

  @Test
  void anUnknownFlagIsRejectedNamingIt() {
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--colour", "blue"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown flag --colour");
  }

  @Test
  void aFlagWithoutItsValueIsRejectedNamingIt() {
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--port", "0", "--webhook-url"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--webhook-url needs a value");
  }

  @Test
  void anS3BucketWithoutCredentialsIsRejected() {
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--s3-bucket", "recordings"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--s3-bucket ");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--s3-endpoint|http://127.0.0.1:9000",
      "--s3-region|eu-west-1",
      "--s3-access-key|access",
      "--s3-secret|s3cr3t",
      "--s3-force-path-style|true"})
  void anS3SettingWithoutABucketIsRejectedRatherThanIgnored(String flag, String value) {
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {flag, value}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(flag + " needs --s3-bucket");
  }

  @Test
  void repeatedWebhookUrlsAreAllKept() {
    EmulatorMain.Options options = EmulatorMain.options(new String[] {
        "--webhook-url", "http://a.example/hook", "--webhook-url", "http://b.example/hook"});

    assertThat(options.webhookUrls()).extracting(URI::getHost).isEqualTo(List.of("a.example", "b.example"));
  }
}
