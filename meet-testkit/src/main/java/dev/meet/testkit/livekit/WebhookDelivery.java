package dev.meet.testkit.livekit;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One attempt to deliver a webhook, as the emulator recorded it.
 *
 * @param event the webhook event name, e.g. {@code egress_ended}
 * @param id the event id ({@code EV_...}); the same on every retry of one event
 * @param target the URL the attempt was sent to
 * @param statusCode the HTTP status the receiver answered, or {@code -1} when no answer arrived (connection error)
 * @param attempt 1 for the first attempt of an event to a target, 2 for its first retry, ...
 * @param at when the attempt finished
 * @param error the connection error, when there was one
 * @param body the exact bytes that were sent
 */
public record WebhookDelivery(
    String event, String id, URI target, int statusCode, int attempt, Instant at, @Nullable String error, byte[] body) {

  public WebhookDelivery {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(body, "body");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
    body = body.clone();
  }

  /** A copy of the bytes that were sent. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** Whether the receiver accepted the attempt (2xx). */
  public boolean delivered() {
    return statusCode >= 200 && statusCode < 300;
  }
}
