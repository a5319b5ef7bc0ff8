package dev.meet.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A recording as clients see it (OpenVidu Meet's recording object). Unknown values are absent, not null, in JSON.
 *
 * @param recordingId {@code {roomId}--{egressId}--{uid}}
 * @param roomId the room
 * @param roomName the room's display name (the room id when the room store knows no better)
 * @param status the status
 * @param layout the composite layout, e.g. {@code grid}
 * @param encoding the encoding preset or options
 * @param filename the media file name, e.g. {@code room-1--0123456789.mp4}
 * @param startDate when recording really started (ms since the epoch)
 * @param endDate when it ended (ms since the epoch)
 * @param duration the media duration in seconds
 * @param size the media size in bytes
 * @param errorCode LiveKit's error code for failures
 * @param error LiveKit's error text for failures
 * @param details LiveKit's details, e.g. "End reason: StopEgress API"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Recording(
    String recordingId,
    String roomId,
    String roomName,
    RecordingStatus status,
    @Nullable String layout,
    @Nullable RecordingEncoding encoding,
    @Nullable String filename,
    @Nullable Long startDate,
    @Nullable Long endDate,
    @Nullable Double duration,
    @Nullable Long size,
    @Nullable Integer errorCode,
    @Nullable String error,
    @Nullable String details) {

  public Recording {
    RecordingId parsed = RecordingId.parse(Objects.requireNonNull(recordingId, "recordingId"));
    if (!parsed.roomId().equals(roomId)) {
      throw new IllegalArgumentException("roomId must be the room of recordingId " + recordingId + ", was " + roomId);
    }
    Objects.requireNonNull(roomName, "roomName");
    Objects.requireNonNull(status, "status");
  }

  /** The parsed id. */
  public RecordingId id() {
    return RecordingId.parse(recordingId);
  }

  /** A new recording in {@code starting}, before LiveKit reported anything about it. */
  public static Recording starting(RecordingId id, String roomName, @Nullable String layout,
      @Nullable RecordingEncoding encoding) {
    return new Recording(id.toString(), id.roomId(), roomName, RecordingStatus.STARTING, layout, encoding,
        id.mediaBaseName() + ".mp4", null, null, null, null, null, null, null);
  }

  public Recording withStatus(RecordingStatus newStatus) {
    return new Recording(recordingId, roomId, roomName, newStatus, layout, encoding, filename, startDate, endDate,
        duration, size, errorCode, error, details);
  }
}
