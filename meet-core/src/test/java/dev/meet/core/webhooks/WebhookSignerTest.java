package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  private final WebhookSigner signer = new WebhookSigner("meet-api-key");

  @Test
  void theSignatureIsHexHmacSha256OfTimestampDotBodyAsPythonsHmacComputesIt() {
    String body = "{\"event\":\"meetingStarted\",\"creationDate\":1,\"data\":{\"roomName\":\"Réunion\"}}";

    String python = ExternalTool.run(List.of(ExternalTool.require("python3").toString(), "-c",
        "import sys,hmac,hashlib;b=sys.stdin.buffer.read();"
            + "print(hmac.new(b'meet-api-key',b'1700000000000.'+b,hashlib.sha256).hexdigest(),end='')"), body);

    assertThat(signer.sign(1_700_000_000_000L, body)).isEqualTo(python).matches("[0-9a-f]{64}");
  }

  @Test
  void aSignatureForAnotherTimestampOrBodyDoesNotVerify() {
    String signature = signer.sign(10L, "{}");

    assertThat(signer.verify(10L, "{}", signature)).isTrue();
    assertThat(signer.verify(11L, "{}", signature)).isFalse();
    assertThat(signer.verify(10L, "{ }", signature)).isFalse();
    assertThat(new WebhookSigner("other").verify(10L, "{}", signature)).isFalse();
  }

  @Test
  void aBlankApiKeyIsRefused() {
    assertThatThrownBy(() -> new WebhookSigner(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apiKey");
  }
}
