package dev.meet.core.engine;

import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingId;
import dev.meet.core.livekit.EgressState;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** How an egress maps onto a recording: which egresses are ours, and the fields they carry. */
final class EgressMapping {

  /** {@code .../recordings/{roomId}/{roomId}--{uid}.mp4}: the file layout of our recordings. */
  private static final Pattern MEDIA_FILE =
      Pattern.compile("(?:.*/)?recordings/([A-Za-z0-9_-]{1,100})/\\1--([0-9a-f]{10})\\.mp4");

  private EgressMapping() {}

  /**
   * The recording an egress is, or empty when it is not one of ours: not shaped like a recording (see
   * {@link EgressState#recordingFile()}), or a file other than the one we ask for (another prefix is another
   * deployment's).
   *
   * @param mediaPath what we ask the egress to write for a room and uid, without {@code .mp4}
   */
  static Optional<RecordingId> recordingIdOf(EgressState egress, BiFunction<String, String, String> mediaPath) {
    String filename = egress.recordingFile();
    if (filename == null) {
      return Optional.empty();
    }
    Matcher matcher = MEDIA_FILE.matcher(filename);
    if (!matcher.matches() || !matcher.group(1).equals(egress.roomName())) {
      return Optional.empty();
    }
    try {
      RecordingId id = new RecordingId(egress.roomName(), egress.egressId(), matcher.group(2));
      if (!filename.equals(mediaPath.apply(id.roomId(), id.uid()) + ".mp4")) {
        return Optional.empty();
      }
      return Optional.of(id);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The recording after an egress update: LiveKit's fields (status, times, file, error) over what was stored; the
   * fields only the start knows (room name, layout, encoding) are kept.
   */
  static Recording merge(@Nullable Recording stored, RecordingId id, EgressState egress) {
    String roomName = stored != null ? stored.roomName() : id.roomId();
    String layout = stored != null && stored.layout() != null ? stored.layout() : egress.layout();
    RecordingEncoding encoding = stored != null && stored.encoding() != null ? stored.encoding()
        : egress.preset() != null && RecordingEncoding.PRESETS.contains(egress.preset())
            ? RecordingEncoding.preset(egress.preset()) : null;
    return new Recording(id.toString(), id.roomId(), roomName, egress.status(), layout, encoding,
        id.mediaBaseName() + ".mp4",
        egress.startedAt() != null ? egress.startedAt() : stored == null ? null : stored.startDate(),
        egress.endedAt() != null ? egress.endedAt() : stored == null ? null : stored.endDate(),
        egress.duration() != null ? egress.duration() : stored == null ? null : stored.duration(),
        egress.size() != null ? egress.size() : stored == null ? null : stored.size(),
        egress.errorCode() != null ? egress.errorCode() : stored == null ? null : stored.errorCode(),
        egress.error() != null ? egress.error() : stored == null ? null : stored.error(),
        egress.details() != null ? egress.details() : stored == null ? null : stored.details());
  }
}
