package dev.meet.core.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One event on its way to one target, as the outbox keeps it and a delivery list shows it.
 *
 * @param deliveryId unique
 * @param webhookId the target
 * @param event the event, body included
 * @param status pending, delivered or failed
 * @param attempts attempts made so far
 * @param enqueuedAt when it entered the outbox (ms); the retry budget counts from here
 * @param nextAttemptAt when a pending delivery is due (ms)
 * @param lastAttemptAt when the last attempt started (ms), null before the first
 * @param lastStatusCode the HTTP status of the last answer, null when there was none (connection error, timeout)
 * @param lastError why the last attempt did not deliver, null when it did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Delivery(
    String deliveryId,
    String webhookId,
    WebhookEvent event,
    DeliveryStatus status,
    int attempts,
    long enqueuedAt,
    long nextAttemptAt,
    @Nullable Long lastAttemptAt,
    @Nullable Integer lastStatusCode,
    @Nullable String lastError) {

  public Delivery {
    // Ids become file names and Redis hash fields: letters, digits, '-' and '_' only.
    if (deliveryId == null || !deliveryId.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("deliveryId must be 1 to 64 letters, digits, '-' or '_', was " + deliveryId);
    }
    if (webhookId == null || webhookId.isBlank()) {
      throw new IllegalArgumentException("webhookId must not be blank, was " + webhookId);
    }
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(status, "status");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must not be negative, was " + attempts);
    }
  }

  /** A new pending delivery, due at once. */
  public static Delivery pending(String webhookId, WebhookEvent event, long now) {
    return new Delivery(UUID.randomUUID().toString(), webhookId, event, DeliveryStatus.PENDING, 0, now, now, null,
        null, null);
  }

  /**
   * The ordering stream: deliveries with the same stream go out one at a time, in order. One per target and
   * {@link WebhookEvent#orderingKey()}, so one target's trouble never holds back another's.
   */
  @JsonIgnore
  public String stream() {
    return webhookId + " " + event.orderingKey();
  }

  /** Delivered by an attempt that started at {@code attemptAt}. */
  public Delivery delivered(long attemptAt, int statusCode) {
    return new Delivery(deliveryId, webhookId, event, DeliveryStatus.DELIVERED, attempts + 1, enqueuedAt,
        nextAttemptAt, attemptAt, statusCode, null);
  }

  /** Not delivered by an attempt; tried again at {@code nextAttemptAt}. */
  public Delivery retryAt(long attemptAt, long nextAttempt, @Nullable Integer statusCode, String error) {
    return new Delivery(deliveryId, webhookId, event, DeliveryStatus.PENDING, attempts + 1, enqueuedAt, nextAttempt,
        attemptAt, statusCode, error);
  }

  /** Given up: kept as failed until redelivered. {@code attemptAt} null when it failed without an attempt. */
  public Delivery failed(@Nullable Long attemptAt, @Nullable Integer statusCode, String error) {
    return new Delivery(deliveryId, webhookId, event, DeliveryStatus.FAILED,
        attemptAt == null ? attempts : attempts + 1, enqueuedAt, nextAttemptAt,
        attemptAt == null ? lastAttemptAt : attemptAt, statusCode, error);
  }

  /** Back to pending, due now, with a fresh retry budget; the attempt history is kept. */
  public Delivery redelivered(long now) {
    return new Delivery(deliveryId, webhookId, event, DeliveryStatus.PENDING, attempts, now, now, lastAttemptAt,
        lastStatusCode, lastError);
  }
}
