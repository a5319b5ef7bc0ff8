package dev.meet.testkit.livekit;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks the {@code Authorization} header of a server API call the way LiveKit's API-key middleware does: an absent
 * header (or an empty token) passes with no grants (the service then denies the call), a present header must be
 * {@code Bearer <JWT>} signed (HS256) with the secret of the key named in {@code iss}, valid in time with a minute of
 * leeway. Without a header, the {@code access_token} query parameter is read instead.
 */
final class AuthVerifier {

  /** LiveKit accepts tokens up to a minute outside their validity window (clock skew). */
  private static final long LEEWAY_SECONDS = 60;

  private final String apiKey;
  private final Algorithm algorithm;

  AuthVerifier(String apiKey, String apiSecret) {
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.algorithm = Algorithm.HMAC256(Objects.requireNonNull(apiSecret, "apiSecret"));
  }

  /** Thrown for a header LiveKit refuses before any service runs: 401 with a plain-text body. */
  static final class Unauthorized extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unauthorized(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The grants of the caller.
   *
   * @throws Unauthorized when the header is present but not acceptable
   */
  Grants verify(@Nullable String authorization) {
    return verify(authorization, null);
  }

  /**
   * The grants of the caller, whose token is in the {@code Authorization} header or, without one, in the
   * {@code access_token} query parameter (both as LiveKit's middleware reads them).
   *
   * @throws Unauthorized when a token is present but not acceptable
   */
  Grants verify(@Nullable String authorization, @Nullable String accessTokenParameter) {
    String token;
    if (authorization != null && !authorization.isEmpty()) {
      if (!authorization.startsWith("Bearer ")) {
        throw new Unauthorized("invalid authorization header. Must start with Bearer ");
      }
      token = authorization.substring("Bearer ".length()).trim();
    } else {
      token = accessTokenParameter == null ? "" : accessTokenParameter;
    }
    // LiveKit skips verification for an empty token: the call goes on without grants and is denied by the service.
    if (token.isEmpty()) {
      return Grants.NONE;
    }
    DecodedJWT unverified;
    try {
      unverified = JWT.decode(token);
    } catch (JWTDecodeException e) {
      throw new Unauthorized("invalid authorization token");
    }
    String issuer = unverified.getIssuer();
    if (issuer == null || !issuer.equals(apiKey)) {
      throw new Unauthorized("invalid API key: " + issuer);
    }
    DecodedJWT jwt;
    try {
      jwt = JWT.require(algorithm).withIssuer(apiKey).acceptLeeway(LEEWAY_SECONDS).build().verify(token);
    } catch (JWTVerificationException e) {
      throw new Unauthorized("invalid token: " + token.length() + " chars, error: " + e.getMessage());
    }
    Claim video = jwt.getClaim("video");
    if (video.isNull() || video.isMissing()) {
      return Grants.NONE;
    }
    Map<String, Object> grant = video.asMap();
    return new Grants(
        flag(grant, "roomCreate"),
        flag(grant, "roomList"),
        flag(grant, "roomAdmin"),
        flag(grant, "roomRecord"),
        grant.get("room") instanceof String room ? room : "");
  }

  private static boolean flag(Map<String, Object> grant, String name) {
    return Boolean.TRUE.equals(grant.get(name));
  }

  /** The video grants of a verified token that matter to the RoomService and Egress APIs. */
  record Grants(boolean roomCreate, boolean roomList, boolean roomAdmin, boolean roomRecord, String room) {

    static final Grants NONE = new Grants(false, false, false, false, "");

    /** roomAdmin on exactly this room, as LiveKit's EnsureAdminPermission requires. */
    boolean adminOf(String roomName) {
      return roomAdmin && !room.isEmpty() && room.equals(roomName);
    }
  }
}
