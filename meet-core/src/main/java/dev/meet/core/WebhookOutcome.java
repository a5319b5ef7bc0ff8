package dev.meet.core;

import java.util.Objects;

/**
 * What became of a LiveKit webhook, and what to answer LiveKit: 2xx only once the effect is durable; 5xx makes LiveKit
 * retry (it retries 5xx and connection errors, never 4xx).
 *
 * @param kind what happened
 * @param message for logs and the response body
 */
public record WebhookOutcome(Kind kind, String message) {

  /** What happened to a webhook. */
  public enum Kind {
    /** Verified and applied (or already applied: redeliveries change nothing). 200. */
    PROCESSED(200),
    /** Verified, but not for us (other events, other egress types, foreign files). 200. */
    IGNORED(200),
    /** Signature, token or body invalid; nothing changed. 401. */
    REJECTED(401),
    /** A dependency failed before the effect was durable; LiveKit should retry. 503. */
    RETRY(503);

    private final int httpStatus;

    Kind(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }

  public WebhookOutcome {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  public int httpStatus() {
    return kind.httpStatus();
  }

  public static WebhookOutcome processed(String message) {
    return new WebhookOutcome(Kind.PROCESSED, message);
  }

  public static WebhookOutcome ignored(String message) {
    return new WebhookOutcome(Kind.IGNORED, message);
  }

  public static WebhookOutcome rejected(String message) {
    return new WebhookOutcome(Kind.REJECTED, message);
  }

  public static WebhookOutcome retry(String message) {
    return new WebhookOutcome(Kind.RETRY, message);
  }
}
