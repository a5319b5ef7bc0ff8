package dev.meet.core.webhooks;

import dev.meet.core.Recording;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One event, with its body already written: the body is fixed when the event happens, so every attempt and every
 * target gets the same bytes (only the timestamp and signature headers are fresh per attempt).
 *
 * <pre>{@code
 * WebhookEvent event = WebhookEvent.recording(WebhookEventType.RECORDING_ENDED, recording, clock.millis());
 * dispatcher.publish(event);
 * }</pre>
 *
 * @param eventId unique per event, sent as {@code X-Event-Id} so a receiver can drop a redelivery it already handled
 * @param type the event
 * @param creationDate when it happened (ms since the epoch), the body's {@code creationDate}
 * @param roomId the room it belongs to (targets scoped to a room filter on it)
 * @param recordingId the recording, for recording events; null otherwise
 * @param body {@code {"event":..., "creationDate":..., "data":...}} as {@link WebhookJson} writes it
 */
public record WebhookEvent(
    String eventId,
    WebhookEventType type,
    long creationDate,
    String roomId,
    @Nullable String recordingId,
    String body) {

  public WebhookEvent {
    requireText(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    if (creationDate < 0) {
      throw new IllegalArgumentException("creationDate must not be negative, was " + creationDate);
    }
    requireText(roomId, "roomId");
    if (type.isPerRecording()) {
      requireText(recordingId, "recordingId");
    } else if (recordingId != null) {
      throw new IllegalArgumentException("recordingId must be null for " + type.value() + ", was " + recordingId);
    }
    requireText(body, "body");
  }

  /** A recording event; its data is the recording object. */
  public static WebhookEvent recording(WebhookEventType type, Recording recording, long creationDate) {
    Objects.requireNonNull(recording, "recording");
    if (!type.isPerRecording()) {
      throw new IllegalArgumentException("type must be a recording event, was " + type.value());
    }
    return new WebhookEvent(UUID.randomUUID().toString(), type, creationDate, recording.roomId(),
        recording.recordingId(), WebhookJson.body(type, creationDate, recording));
  }

  /**
   * A meeting or participant event.
   *
   * @param data the payload: the room object for meeting events, the participant for participant events (any value
   *     Jackson writes: a record, a map, a tree)
   */
  public static WebhookEvent room(WebhookEventType type, String roomId, Object data, long creationDate) {
    Objects.requireNonNull(data, "data");
    if (type.isPerRecording()) {
      throw new IllegalArgumentException("type must be a meeting or participant event, was " + type.value());
    }
    return new WebhookEvent(UUID.randomUUID().toString(), type, creationDate, roomId, null,
        WebhookJson.body(type, creationDate, data));
  }

  /** A meeting event whose data is {@code {"roomId": ..., "roomName": ...}}, for when no richer room is known. */
  public static WebhookEvent room(WebhookEventType type, String roomId, String roomName, long creationDate) {
    return room(type, roomId, Map.of("roomId", roomId, "roomName", roomName), creationDate);
  }

  /**
   * What orders delivery: events with the same key reach a target one after the other, in publish order;
   * {@code recording:<recordingId>} or {@code room:<roomId>}.
   */
  public String orderingKey() {
    return type.isPerRecording() ? "recording:" + recordingId : "room:" + roomId;
  }

  private static void requireText(@Nullable String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank, was " + value);
    }
  }
}
