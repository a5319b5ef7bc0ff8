package dev.meet.core.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LiveKitSettingsTest {

  @Test
  void theCallTimeoutDefaultsToTenSeconds() {
    assertThat(new LiveKitSettings("https://livekit.example.com", "key", "secret").callTimeout())
        .isEqualTo(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @CsvSource({
      "http://127.0.0.1:7880, http://127.0.0.1:7880/",
      "https://livekit.example.com, https://livekit.example.com/",
      "https://livekit.example.com/, https://livekit.example.com/",
      "ws://127.0.0.1:7880, http://127.0.0.1:7880/",
      "wss://livekit.example.com, https://livekit.example.com/",
      "WSS://livekit.example.com:443, https://livekit.example.com:443/"
  })
  void theServerApiIsCalledOverHttpWhateverSchemeTheUrlHas(String url, String httpUrl) {
    assertThat(new LiveKitSettings(url, "key", "secret").httpUrl()).isEqualTo(httpUrl);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "livekit.example.com", "ftp://livekit.example.com", "https://", "https://a b"})
  void aUrlThatIsNotAServerAddressIsRejectedNamingTheUrl(String url) {
    assertThatThrownBy(() -> new LiveKitSettings(url, "key", "secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("url ");
  }

  @Test
  void aUrlWithAPathIsRejectedBecauseTheSdkWouldDropIt() {
    assertThatThrownBy(() -> new LiveKitSettings("https://example.com/livekit", "key", "secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not have a path");
  }

  @Test
  void aBlankApiKeyIsRejectedNamingIt() {
    assertThatThrownBy(() -> new LiveKitSettings("https://example.com", " ", "secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiKey must not be blank");
  }

  @Test
  void aMissingApiSecretIsRejectedNamingIt() {
    assertThatThrownBy(() -> new LiveKitSettings("https://example.com", "key", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiSecret must not be blank");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1})
  void aCallTimeoutThatIsNotPositiveIsRejectedNamingIt(long millis) {
    assertThatThrownBy(() -> new LiveKitSettings("https://example.com", "key", "secret", Duration.ofMillis(millis)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("callTimeout must be positive");
  }

  @Test
  void theSecretNeverAppearsInTheTextForm() {
    assertThat(new LiveKitSettings("https://example.com", "key", "s3cr3t-value").toString())
        .doesNotContain("s3cr3t-value")
        .contains("apiSecret=***");
  }
}
