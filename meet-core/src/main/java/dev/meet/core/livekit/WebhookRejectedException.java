package dev.meet.core.livekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A webhook request did not prove it came from LiveKit, or its body is not a webhook event: answer 401 and change
 * nothing. The message says why, for the log; it never contains the token or the secret.
 */
public class WebhookRejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a webhook was rejected, for metrics and tests. */
  public enum Reason {
    /** No {@code Authorization} header. */
    MISSING_TOKEN,
    /** The header is not a bare JWT (garbage, or a {@code Bearer } prefix LiveKit never sends). */
    MALFORMED_TOKEN,
    /** Not signed with this API secret, or not with HS256. */
    BAD_SIGNATURE,
    /** Issued for another API key, or without an issuer. */
    WRONG_ISSUER,
    /** Expired beyond the clock leeway. */
    EXPIRED,
    /** Not valid yet ({@code nbf} or {@code iat} in the future) beyond the clock leeway. */
    NOT_YET_VALID,
    /** No {@code sha256} claim, or it does not match the body. */
    BODY_MISMATCH,
    /** Correctly signed, but not a webhook event. */
    MALFORMED_BODY
  }

  private final Reason reason;

  public WebhookRejectedException(Reason reason, String message) {
    this(reason, message, null);
  }

  public WebhookRejectedException(Reason reason, String message, @Nullable Throwable cause) {
    super("LiveKit webhook rejected: " + message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
