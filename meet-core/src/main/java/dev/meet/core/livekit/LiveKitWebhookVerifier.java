package dev.meet.core.livekit;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.JWTVerifier;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.meet.core.livekit.WebhookRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import livekit.LivekitWebhook.WebhookEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks that a webhook request comes from LiveKit, then reads its event.
 *
 * <p>LiveKit signs each webhook with a bare HS256 JWT in {@code Authorization} (no {@code Bearer } prefix: LiveKit
 * never sends one, so a prefixed header is rejected rather than guessed at), issued by the API key, whose
 * {@code sha256} claim is the standard base64 of the SHA-256 of the body bytes. The hash is computed over the raw
 * bytes as received, never over a re-serialised body, and compared in constant time. Checks run in this order, and
 * nothing of the body is read before the token is proven: signature and algorithm, issuer, validity (with a clock
 * leeway, because the sender's clock is not ours), body hash, body.
 *
 * <p>Only what LiveKit itself sends passes: HS256 (an HS384/HS512, RS256 or unsigned token is refused, so no
 * algorithm confusion is possible), and both {@code exp} and {@code nbf} present (LiveKit's tokens always carry them;
 * a token without an expiry would be valid forever if it leaked). Several API keys may be accepted at once, for key
 * rotation; the token's {@code iss} picks the secret.
 *
 * <p>Differences from the SDK's {@code WebhookReceiver}, on purpose: a configurable leeway (it has none, so a
 * receiver a second behind LiveKit rejects fresh webhooks); a reason per rejection; and enum names this SDK version
 * does not know (a newer LiveKit's new egress status, say) are kept as {@code UNRECOGNIZED} instead of silently
 * becoming the zero value ({@code EGRESS_STARTING}), so that they map to "failed" like any unknown status rather than
 * pass for a start. Unknown fields are ignored.
 *
 * <pre>{@code
 * LiveKitWebhookVerifier verifier = new LiveKitWebhookVerifier(apiKey, apiSecret, Duration.ofSeconds(60));
 * WebhookEvent event = verifier.verify(requestBodyBytes, request.getHeader("Authorization"));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class LiveKitWebhookVerifier {

  /** LiveKit's own token verification allows one minute of clock skew. */
  public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(LiveKitWebhookVerifier.class);
  private static final String BEARER = "bearer ";
  private static final String SHA256_CLAIM = "sha256";
  /** Any number no enum of LiveKit's uses: protobuf keeps it as an unrecognized value of an open enum. */
  private static final int UNKNOWN_ENUM_NUMBER = -1;
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  /** One verifier per accepted API key, chosen by the token's issuer. */
  private final Map<String, JWTVerifier> verifiersByKey;
  private final Duration leeway;

  /** With {@link #DEFAULT_LEEWAY}. */
  public LiveKitWebhookVerifier(String apiKey, String apiSecret) {
    this(apiKey, apiSecret, DEFAULT_LEEWAY);
  }

  /**
   * @param apiKey the key LiveKit signs webhooks as ({@code iss})
   * @param apiSecret its secret
   * @param leeway how far {@code exp}, {@code nbf} and {@code iat} may be off; whole seconds, rounded up
   */
  public LiveKitWebhookVerifier(String apiKey, String apiSecret, Duration leeway) {
    this(singleKey(apiKey, apiSecret), leeway, Clock.systemUTC());
  }

  /**
   * Accepts webhooks signed by any of several API keys, for key rotation: LiveKit never retries a 401, so while its
   * configuration moves from the old key to the new one, both must verify or events are lost.
   *
   * <pre>{@code
   * new LiveKitWebhookVerifier(Map.of("oldkey", oldSecret, "newkey", newSecret), Duration.ofSeconds(60));
   * }</pre>
   *
   * @param secretsByKey each accepted API key ({@code iss}) with its secret; at least one
   * @param leeway how far {@code exp}, {@code nbf} and {@code iat} may be off; whole seconds, rounded up
   */
  public LiveKitWebhookVerifier(Map<String, String> secretsByKey, Duration leeway) {
    this(secretsByKey, leeway, Clock.systemUTC());
  }

  LiveKitWebhookVerifier(String apiKey, String apiSecret, Duration leeway, Clock clock) {
    this(singleKey(apiKey, apiSecret), leeway, clock);
  }

  LiveKitWebhookVerifier(Map<String, String> secretsByKey, Duration leeway, Clock clock) {
    Objects.requireNonNull(secretsByKey, "secretsByKey must not be null");
    if (secretsByKey.isEmpty()) {
      throw new IllegalArgumentException("secretsByKey must name at least one API key");
    }
    Objects.requireNonNull(leeway, "leeway must not be null");
    if (leeway.isNegative()) {
      throw new IllegalArgumentException("leeway must not be negative, was " + leeway);
    }
    Objects.requireNonNull(clock, "clock");
    this.leeway = leeway;
    long leewaySeconds = leeway.plusMillis(999).toSeconds();
    Map<String, JWTVerifier> verifiers = new LinkedHashMap<>();
    secretsByKey.forEach((apiKey, apiSecret) -> {
      requireNonBlank(apiKey, "apiKey");
      requireNonBlank(apiSecret, "apiSecret");
      // LiveKit's tokens always carry exp and nbf (its AccessToken sets both): one without either never expires
      // or was never made by LiveKit, so it is refused rather than trusted forever.
      verifiers.put(apiKey, ((com.auth0.jwt.JWTVerifier.BaseVerification) JWT.require(Algorithm.HMAC256(apiSecret))
          .withIssuer(apiKey)
          .withClaimPresence("exp")
          .withClaimPresence("nbf")
          .acceptLeeway(leewaySeconds))
          .build(clock));
    });
    this.verifiersByKey = Map.copyOf(verifiers);
  }

  /** The API keys whose webhooks this verifier accepts. */
  public Set<String> apiKeys() {
    return verifiersByKey.keySet();
  }

  /**
   * @param rawBody the request body exactly as received
   * @param authorizationHeader the {@code Authorization} header, or null when absent
   * @return the event
   * @throws WebhookRejectedException when the request is not a valid LiveKit webhook; its reason says why
   */
  public WebhookEvent verify(byte[] rawBody, @Nullable String authorizationHeader) {
    Objects.requireNonNull(rawBody, "rawBody");
    DecodedJWT token = verifyToken(authorizationHeader);
    verifyBodyHash(rawBody, token);
    return parse(rawBody);
  }

  private DecodedJWT verifyToken(@Nullable String header) {
    if (header == null || header.isBlank()) {
      throw new WebhookRejectedException(Reason.MISSING_TOKEN, "no Authorization header");
    }
    String token = header.strip();
    if (token.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new WebhookRejectedException(Reason.MALFORMED_TOKEN,
          "the Authorization header has a 'Bearer ' prefix, but LiveKit sends the bare JWT");
    }
    try {
      // Decoded once: the issuer picks the verifier, which then checks this very decoding.
      DecodedJWT decoded = JWT.decode(token);
      DecodedJWT verified = verifierFor(decoded).verify(decoded);
      // withClaimPresence accepts "exp": null, which java-jwt then reads as "never expires".
      if (verified.getExpiresAtAsInstant() == null || verified.getNotBeforeAsInstant() == null) {
        throw new WebhookRejectedException(Reason.MALFORMED_TOKEN, "the token has no exp or nbf value");
      }
      return verified;
    } catch (WebhookRejectedException e) {
      throw e;
    } catch (JWTDecodeException e) {
      throw new WebhookRejectedException(Reason.MALFORMED_TOKEN, "the Authorization header is not a JWT", e);
    } catch (AlgorithmMismatchException e) {
      throw new WebhookRejectedException(Reason.BAD_SIGNATURE, "the token is not signed with HS256", e);
    } catch (SignatureVerificationException e) {
      throw new WebhookRejectedException(Reason.BAD_SIGNATURE,
          "bad token signature (not signed with this API key's secret)", e);
    } catch (TokenExpiredException e) {
      throw new WebhookRejectedException(Reason.EXPIRED,
          "the token expired at " + e.getExpiredOn() + " (leeway " + leeway + ")", e);
    } catch (MissingClaimException e) {
      if ("iss".equals(e.getClaimName())) {
        throw new WebhookRejectedException(Reason.WRONG_ISSUER, "the token has no issuer", e);
      }
      throw new WebhookRejectedException(Reason.MALFORMED_TOKEN, "the token has no " + e.getClaimName() + " claim", e);
    } catch (IncorrectClaimException e) {
      throw incorrectClaim(e);
    } catch (JWTVerificationException e) {
      throw new WebhookRejectedException(Reason.MALFORMED_TOKEN, "invalid token (" + e.getMessage() + ")", e);
    } catch (RuntimeException e) {
      // java-jwt lets some malformed values escape as other exceptions (an exp of Long.MAX_VALUE throws
      // DateTimeException while the token is decoded, before its signature is checked): still a forgery to reject.
      throw new WebhookRejectedException(Reason.MALFORMED_TOKEN, "the token cannot be read (" + e.getClass()
          .getSimpleName() + ")", e);
    }
  }

  /**
   * The verifier of the key the token says it was issued by. Reading {@code iss} before the signature is checked
   * only chooses which secret to check it with; nothing else of the token or the body is trusted before that.
   */
  private JWTVerifier verifierFor(DecodedJWT token) {
    String issuer = token.getIssuer();
    if (issuer == null || issuer.isEmpty()) {
      throw new WebhookRejectedException(Reason.WRONG_ISSUER, "the token has no issuer");
    }
    JWTVerifier verifier = verifiersByKey.get(issuer);
    if (verifier == null) {
      throw new WebhookRejectedException(Reason.WRONG_ISSUER,
          "the token was issued for an API key this receiver does not accept");
    }
    return verifier;
  }

  private static Map<String, String> singleKey(String apiKey, String apiSecret) {
    requireNonBlank(apiKey, "apiKey");
    requireNonBlank(apiSecret, "apiSecret");
    return Map.of(apiKey, apiSecret);
  }

  private static void requireNonBlank(@Nullable String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private WebhookRejectedException incorrectClaim(IncorrectClaimException e) {
    return switch (e.getClaimName()) {
      case "iss" -> new WebhookRejectedException(Reason.WRONG_ISSUER,
          "the token was issued for another API key", e);
      case "nbf", "iat" -> new WebhookRejectedException(Reason.NOT_YET_VALID,
          "the token is not valid yet (" + e.getClaimName() + " in the future beyond the leeway " + leeway + ")", e);
      default -> new WebhookRejectedException(Reason.MALFORMED_TOKEN,
          "the token's " + e.getClaimName() + " claim is invalid", e);
    };
  }

  private static void verifyBodyHash(byte[] rawBody, DecodedJWT token) {
    Claim claim = token.getClaim(SHA256_CLAIM);
    String claimed = claim.isMissing() || claim.isNull() ? null : claim.asString();
    if (claimed == null || claimed.isEmpty()) {
      throw new WebhookRejectedException(Reason.BODY_MISMATCH, "the token has no sha256 claim");
    }
    byte[] expected = Base64.getEncoder().encode(sha256(rawBody));
    if (!MessageDigest.isEqual(expected, claimed.getBytes(StandardCharsets.UTF_8))) {
      throw new WebhookRejectedException(Reason.BODY_MISMATCH,
          "the body does not match the token's sha256 claim (altered in transit?)");
    }
  }

  private static WebhookEvent parse(byte[] rawBody) {
    String json = new String(rawBody, StandardCharsets.UTF_8);
    JsonNode tree;
    try {
      tree = JsonMapper.shared().readTree(json);
    } catch (JacksonException e) {
      throw new WebhookRejectedException(Reason.MALFORMED_BODY, "the body is not JSON", e);
    }
    if (tree == null || !tree.isObject()) {
      throw new WebhookRejectedException(Reason.MALFORMED_BODY, "the body is not a JSON object");
    }
    if (markUnknownEnums((ObjectNode) tree, WebhookEvent.getDescriptor())) {
      json = tree.toString();
    }
    try {
      WebhookEvent.Builder event = WebhookEvent.newBuilder();
      PARSER.merge(json, event);
      return event.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new WebhookRejectedException(Reason.MALFORMED_BODY,
          "the body is not a LiveKit webhook event (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Replaces enum names the descriptor does not know with a number no value uses, which the parser keeps as
   * {@code UNRECOGNIZED}; with {@code ignoringUnknownFields()} it would otherwise drop them, leaving the zero value.
   *
   * @return whether anything was replaced
   */
  private static boolean markUnknownEnums(ObjectNode object, Descriptor type) {
    boolean changed = false;
    for (Map.Entry<String, JsonNode> property : object.properties()) {
      FieldDescriptor field = field(type, property.getKey());
      if (field == null) {
        continue;
      }
      JsonNode value = property.getValue();
      if (field.isMapField()) {
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        if (value.isObject() && valueField != null) {
          changed |= markValues((ObjectNode) value, valueField);
        }
      } else if (field.isRepeated() && value.isArray()) {
        ArrayNode array = (ArrayNode) value;
        for (int i = 0; i < array.size(); i++) {
          JsonNode element = array.get(i);
          JsonNode replaced = mark(element, field);
          if (replaced != element) {
            array.set(i, replaced);
            changed = true;
          } else if (element.isObject() && isPlainMessage(field)) {
            changed |= markUnknownEnums((ObjectNode) element, field.getMessageType());
          }
        }
      } else {
        JsonNode replaced = mark(value, field);
        if (replaced != value) {
          object.set(property.getKey(), replaced);
          changed = true;
        } else if (value.isObject() && isPlainMessage(field)) {
          changed |= markUnknownEnums((ObjectNode) value, field.getMessageType());
        }
      }
    }
    return changed;
  }

  private static boolean markValues(ObjectNode map, FieldDescriptor valueField) {
    boolean changed = false;
    for (Map.Entry<String, JsonNode> entry : map.properties()) {
      JsonNode value = entry.getValue();
      JsonNode replaced = mark(value, valueField);
      if (replaced != value) {
        map.set(entry.getKey(), replaced);
        changed = true;
      } else if (value.isObject() && isPlainMessage(valueField)) {
        changed |= markUnknownEnums((ObjectNode) value, valueField.getMessageType());
      }
    }
    return changed;
  }

  /** The unknown-enum marker for an enum name the field's type does not know, else the value itself. */
  private static JsonNode mark(JsonNode value, FieldDescriptor field) {
    if (field.getJavaType() != FieldDescriptor.JavaType.ENUM || !value.isString()) {
      return value;
    }
    EnumDescriptor type = field.getEnumType();
    if (type.findValueByName(value.stringValue()) != null || type.isClosed()) {
      return value;
    }
    log.warn("LiveKit webhook has an enum value this SDK does not know, kept as UNRECOGNIZED field={} value={}",
        field.getFullName(), excerpt(value.stringValue()));
    return IntNode.valueOf(UNKNOWN_ENUM_NUMBER);
  }

  /** A message the JSON mapping writes as an object of fields (well-known types have their own JSON forms). */
  private static boolean isPlainMessage(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && !field.getMessageType().getFullName().startsWith("google.protobuf.");
  }

  /** The field a JSON key names: its JSON name ({@code egressInfo}) or its proto name ({@code egress_info}). */
  private static @Nullable FieldDescriptor field(Descriptor type, String key) {
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJsonName().equals(key) || field.getName().equals(key)) {
        return field;
      }
    }
    return null;
  }

  private static String excerpt(String value) {
    String cut = value.length() > 60 ? value.substring(0, 60) + "..." : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
