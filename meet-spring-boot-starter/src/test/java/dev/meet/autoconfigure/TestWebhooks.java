package dev.meet.autoconfigure;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/** LiveKit webhooks made by hand, for tests that need a key the emulator does not sign with. */
final class TestWebhooks {

  private TestWebhooks() {}

  /** A room_started event, which the manager verifies and then ignores. */
  static byte[] roomStarted() {
    return "{\"event\":\"room_started\",\"room\":{\"name\":\"r\"},\"id\":\"EV_1\",\"createdAt\":\"1\"}"
        .getBytes(StandardCharsets.UTF_8);
  }

  /** LiveKit's webhook token: a bare HS256 JWT by the API key whose sha256 claim is the body's hash. */
  static String sign(byte[] body, String apiKey, String apiSecret) {
    Instant now = Instant.now();
    return JWT.create()
        .withIssuer(apiKey)
        .withExpiresAt(Date.from(now.plus(Duration.ofMinutes(5))))
        .withNotBefore(Date.from(now))
        .withIssuedAt(Date.from(now))
        .withClaim("sha256", Base64.getEncoder().encodeToString(sha256(body)))
        .sign(Algorithm.HMAC256(apiSecret));
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
