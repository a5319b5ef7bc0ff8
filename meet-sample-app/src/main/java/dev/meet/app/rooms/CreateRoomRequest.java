package dev.meet.app.rooms;

import dev.meet.core.RecordingEncoding;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /rooms}. Every field is optional; fields this API does not know are ignored.
 *
 * @param roomName the display name, at most 50 characters ("Room" by default)
 * @param autoDeletionDate when to delete the room (ms since the epoch), at least an hour ahead
 * @param autoDeletionPolicy how to delete it then (default: when the meeting ends, closing it if it has recordings)
 * @param config recording and end-to-end encryption settings
 */
@Schema(name = "RoomOptions", example = "{\"roomName\":\"Daily standup\",\"config\":{\"recording\":{\"enabled\":true,"
    + "\"layout\":\"grid\",\"encoding\":\"H264_720P_30\"}}}")
public record CreateRoomRequest(
    @Nullable String roomName,
    @Nullable Long autoDeletionDate,
    @Nullable Policy autoDeletionPolicy,
    @Nullable ConfigRequest config) {

  /** The deletion policy of a room's automatic deletion; {@code fail} is not allowed here. */
  public record Policy(Room.@Nullable WithMeeting withMeeting, Room.@Nullable WithRecordings withRecordings) {}

  /** Room settings. */
  public record ConfigRequest(@Nullable RecordingRequest recording, @Nullable E2eeRequest e2ee) {}

  /** Recording settings. */
  public record RecordingRequest(
      @Nullable Boolean enabled,
      @Schema(allowableValues = {"grid", "speaker", "single-speaker"}) @Nullable String layout,
      @Schema(description = "a preset name (H264_720P_30, ...) or {video:{...}, audio:{...}}",
          type = "object", example = "H264_720P_30") @Nullable RecordingEncoding encoding) {}

  /** End-to-end encryption settings. */
  public record E2eeRequest(@Nullable Boolean enabled) {}
}
