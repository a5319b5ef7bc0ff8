package dev.meet.core.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs bodies the way OpenVidu Meet does: {@code X-Signature = hex(HMAC-SHA256(key = API key,
 * message = "<X-Timestamp>.<body>"))}, the timestamp in milliseconds since the epoch. Thread-safe.
 */
public final class WebhookSigner {

  /** The header with the attempt's time (ms since the epoch). */
  public static final String TIMESTAMP_HEADER = "X-Timestamp";
  /** The header with the hex signature. */
  public static final String SIGNATURE_HEADER = "X-Signature";

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  /**
   * @param apiKey the backend's API key; never logged
   * @throws IllegalArgumentException when the key is blank
   */
  public WebhookSigner(String apiKey) {
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey must not be blank");
    }
    this.key = new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The lower-case hex signature of {@code body} sent at {@code timestamp}. */
  public String sign(long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      // Every Java runtime has HmacSHA256; only a broken one gets here.
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Whether {@code signature} is this signer's signature of {@code body} at {@code timestamp} (constant time). */
  public boolean verify(long timestamp, String body, String signature) {
    return MessageDigest.isEqual(sign(timestamp, body).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }
}
