package dev.meet.app.recordings;

import dev.meet.core.RecordingEncoding;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /recordings}: the room, and optionally a layout and encoding instead of the room's.
 *
 * @param roomId the room to record
 * @param config layout and encoding of this recording
 */
@Schema(name = "StartRecording", example = "{\"roomId\":\"daily_standup-1a2b3c4d5e6f708\"}")
public record StartRecordingRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) @Nullable String roomId,
    @Nullable Config config) {

  /** This recording's layout and encoding. */
  public record Config(
      @Schema(allowableValues = {"grid", "speaker", "single-speaker"}) @Nullable String layout,
      @Schema(description = "a preset name (H264_720P_30, ...) or {video:{...}, audio:{...}}", type = "object",
          example = "H264_720P_30") @Nullable RecordingEncoding encoding) {}
}
