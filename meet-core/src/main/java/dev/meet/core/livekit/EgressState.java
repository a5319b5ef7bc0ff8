package dev.meet.core.livekit;

import dev.meet.core.RecordingStatus;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What LiveKit reports about one egress, in the engine's terms (no protobuf): its status as a recording status, its
 * times in milliseconds, and the single media file it writes when it is shaped like a recording.
 *
 * @param egressId LiveKit's egress id
 * @param roomName the LiveKit room it records
 * @param status LiveKit's egress status mapped onto recording statuses (anything unknown is {@code failed})
 * @param updatedAt LiveKit's {@code updatedAt} in nanoseconds, 0 if none: orders updates of one egress
 * @param startedAt when it really started recording (ms since the epoch)
 * @param endedAt when it ended (ms since the epoch), only for terminal statuses
 * @param duration the media duration in seconds
 * @param size the media size in bytes
 * @param errorCode LiveKit's error code
 * @param error LiveKit's error text
 * @param details LiveKit's details, e.g. "End reason: StopEgress API"
 * @param layout the composite layout it was started with
 * @param preset the encoding preset it was started with, when it was one
 * @param recordingFile the one file it writes when it is a room composite with exactly one file output and no stream
 *     or segment output (a recording), else null
 */
public record EgressState(String egressId, String roomName, RecordingStatus status, long updatedAt,
    @Nullable Long startedAt, @Nullable Long endedAt, @Nullable Double duration, @Nullable Long size,
    @Nullable Integer errorCode, @Nullable String error, @Nullable String details, @Nullable String layout,
    @Nullable String preset, @Nullable String recordingFile) {

  public EgressState {
    Objects.requireNonNull(egressId, "egressId");
    Objects.requireNonNull(roomName, "roomName");
    Objects.requireNonNull(status, "status");
    if (updatedAt < 0) {
      throw new IllegalArgumentException("updatedAt must not be negative, was " + updatedAt);
    }
  }

  /** STARTING, ACTIVE or ENDING. */
  public boolean isInProgress() {
    return !status.isTerminal();
  }
}
