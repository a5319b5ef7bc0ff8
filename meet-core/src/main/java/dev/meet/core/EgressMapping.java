package dev.meet.core;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.FileInfo;
import livekit.LivekitEgress.RoomCompositeEgressRequest;
import org.jspecify.annotations.Nullable;

/** How LiveKit's egress info maps onto recordings: which egresses are ours, and the fields they carry. */
final class EgressMapping {

  /** {@code .../recordings/{roomId}/{roomId}--{uid}.mp4}: the file layout of our recordings (design §8). */
  private static final Pattern MEDIA_FILE =
      Pattern.compile("(?:.*/)?recordings/([A-Za-z0-9_-]{1,100})/\\1--([0-9a-f]{10})\\.mp4");

  private EgressMapping() {}

  /**
   * The recording an egress is, or empty when it is not one of ours: not a room composite writing one file, a stream
   * output, or a file other than the one we ask for (another prefix is another deployment's).
   *
   * @param mediaPath what we ask the egress to write for a room and uid, without {@code .mp4}
   */
  static Optional<RecordingId> recordingIdOf(EgressInfo info, BiFunction<String, String, String> mediaPath) {
    if (!info.hasRoomComposite() || info.getStreamResultsCount() > 0) {
      return Optional.empty();
    }
    RoomCompositeEgressRequest request = info.getRoomComposite();
    if (request.hasStream() || request.getStreamOutputsCount() > 0 || request.hasSegments()
        || request.getSegmentOutputsCount() > 0) {
      return Optional.empty();
    }
    String filename = filename(info);
    if (filename == null) {
      return Optional.empty();
    }
    Matcher matcher = MEDIA_FILE.matcher(filename);
    if (!matcher.matches() || !matcher.group(1).equals(info.getRoomName())) {
      return Optional.empty();
    }
    try {
      RecordingId id = new RecordingId(info.getRoomName(), info.getEgressId(), matcher.group(2));
      if (!filename.equals(mediaPath.apply(id.roomId(), id.uid()) + ".mp4")) {
        return Optional.empty();
      }
      return Optional.of(id);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static @Nullable String filename(EgressInfo info) {
    if (info.getFileResultsCount() > 0 && !info.getFileResults(0).getFilename().isEmpty()) {
      return info.getFileResults(0).getFilename();
    }
    if (info.hasFile() && !info.getFile().getFilename().isEmpty()) {
      return info.getFile().getFilename();
    }
    RoomCompositeEgressRequest request = info.getRoomComposite();
    String path = request.hasFile() ? request.getFile().getFilepath()
        : request.getFileOutputsCount() > 0 ? request.getFileOutputs(0).getFilepath() : null;
    if (path == null || path.isEmpty()) {
      return null;
    }
    return path.endsWith(".mp4") ? path : path + ".mp4";
  }

  /**
   * The recording after an egress update: LiveKit's fields (status, times, file, error) over what was stored; the
   * fields only the start knows (room name, layout, encoding) are kept.
   */
  static Recording merge(@Nullable Recording stored, RecordingId id, EgressInfo info) {
    RecordingStatus status = RecordingStatus.fromEgress(info.getStatus());
    FileInfo file = info.getFileResultsCount() > 0 ? info.getFileResults(0) : info.hasFile() ? info.getFile() : null;
    Long startDate = info.getStartedAt() > 0 ? nanosToMillis(info.getStartedAt()) : null;
    Long endDate = status.isTerminal() && info.getEndedAt() > 0 ? nanosToMillis(info.getEndedAt()) : null;
    Double duration = file != null && file.getDuration() > 0 ? file.getDuration() / 1e9 : null;
    Long size = file != null && file.getSize() > 0 ? file.getSize() : null;
    Integer errorCode = info.getErrorCode() != 0 ? info.getErrorCode() : null;
    String error = info.getError().isEmpty() ? null : info.getError();
    String details = info.getDetails().isEmpty() ? null : info.getDetails();
    String roomName = stored != null ? stored.roomName() : id.roomId();
    String layout = stored != null && stored.layout() != null ? stored.layout() : layoutOf(info);
    RecordingEncoding encoding = stored != null && stored.encoding() != null ? stored.encoding() : encodingOf(info);
    return new Recording(id.toString(), id.roomId(), roomName, status, layout, encoding,
        id.mediaBaseName() + ".mp4",
        startDate != null ? startDate : stored == null ? null : stored.startDate(),
        endDate != null ? endDate : stored == null ? null : stored.endDate(),
        duration != null ? duration : stored == null ? null : stored.duration(),
        size != null ? size : stored == null ? null : stored.size(),
        errorCode != null ? errorCode : stored == null ? null : stored.errorCode(),
        error != null ? error : stored == null ? null : stored.error(),
        details != null ? details : stored == null ? null : stored.details());
  }

  private static @Nullable String layoutOf(EgressInfo info) {
    String layout = info.getRoomComposite().getLayout();
    return layout.isEmpty() ? null : layout;
  }

  private static @Nullable RecordingEncoding encodingOf(EgressInfo info) {
    RoomCompositeEgressRequest request = info.getRoomComposite();
    if (request.hasPreset() && RecordingEncoding.PRESETS.contains(request.getPreset().name())) {
      return RecordingEncoding.preset(request.getPreset().name());
    }
    return null;
  }

  private static long nanosToMillis(long nanos) {
    return nanos / 1_000_000L;
  }
}
