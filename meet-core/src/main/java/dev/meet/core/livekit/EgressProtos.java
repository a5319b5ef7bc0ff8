package dev.meet.core.livekit;

import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingStatus;
import dev.meet.core.storage.MediaTarget;
import java.util.Objects;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.EncodingOptions;
import livekit.LivekitEgress.EncodingOptionsPreset;
import livekit.LivekitEgress.FileInfo;
import livekit.LivekitEgress.RoomCompositeEgressRequest;
import livekit.LivekitEgress.S3Upload;
import livekit.LivekitModels.AudioCodec;
import livekit.LivekitModels.VideoCodec;
import livekit.LivekitWebhook.WebhookEvent;
import org.jspecify.annotations.Nullable;

/** The one place where LiveKit's protobuf messages and the engine's types meet, in both directions. */
final class EgressProtos {

  private EgressProtos() {}

  /** LiveKit's egress status; anything unknown is {@link RecordingStatus#FAILED}. */
  static RecordingStatus status(EgressStatus status) {
    return switch (status) {
      case EGRESS_STARTING -> RecordingStatus.STARTING;
      case EGRESS_ACTIVE -> RecordingStatus.ACTIVE;
      case EGRESS_ENDING -> RecordingStatus.ENDING;
      case EGRESS_COMPLETE -> RecordingStatus.COMPLETE;
      case EGRESS_ABORTED -> RecordingStatus.ABORTED;
      case EGRESS_LIMIT_REACHED -> RecordingStatus.LIMIT_REACHED;
      default -> RecordingStatus.FAILED;
    };
  }

  static EgressState state(EgressInfo info) {
    RecordingStatus status = status(info.getStatus());
    FileInfo file = info.getFileResultsCount() > 0 ? info.getFileResults(0) : info.hasFile() ? info.getFile() : null;
    RoomCompositeEgressRequest request = info.getRoomComposite();
    String layout = request.getLayout().isEmpty() ? null : request.getLayout();
    String preset = request.hasPreset() ? request.getPreset().name() : null;
    return new EgressState(info.getEgressId(), info.getRoomName(), status, Math.max(0, info.getUpdatedAt()),
        info.getStartedAt() > 0 ? nanosToMillis(info.getStartedAt()) : null,
        status.isTerminal() && info.getEndedAt() > 0 ? nanosToMillis(info.getEndedAt()) : null,
        file != null && file.getDuration() > 0 ? file.getDuration() / 1e9 : null,
        file != null && file.getSize() > 0 ? file.getSize() : null,
        info.getErrorCode() != 0 ? info.getErrorCode() : null,
        info.getError().isEmpty() ? null : info.getError(),
        info.getDetails().isEmpty() ? null : info.getDetails(),
        layout, preset, recordingFile(info));
  }

  static LiveKitEvent event(WebhookEvent event) {
    return new LiveKitEvent(event.getId(), event.getEvent(), event.getCreatedAt() * 1000,
        event.hasEgressInfo() ? state(event.getEgressInfo()) : null,
        event.hasRoom() ? new LiveKitEvent.Room(event.getRoom().getName(), event.getRoom().getSid(),
            event.getRoom().getNumParticipants()) : null,
        event.hasParticipant() ? new LiveKitEvent.Participant(event.getParticipant().getSid(),
            event.getParticipant().getIdentity(),
            event.getParticipant().getName().isEmpty() ? null : event.getParticipant().getName()) : null);
  }

  /** The file a recording-shaped egress writes: a room composite with one file output and nothing else. */
  private static @Nullable String recordingFile(EgressInfo info) {
    if (!info.hasRoomComposite() || info.getStreamResultsCount() > 0) {
      return null;
    }
    RoomCompositeEgressRequest request = info.getRoomComposite();
    if (request.hasStream() || request.getStreamOutputsCount() > 0 || request.hasSegments()
        || request.getSegmentOutputsCount() > 0) {
      return null;
    }
    if (info.getFileResultsCount() > 0 && !info.getFileResults(0).getFilename().isEmpty()) {
      return info.getFileResults(0).getFilename();
    }
    if (info.hasFile() && !info.getFile().getFilename().isEmpty()) {
      return info.getFile().getFilename();
    }
    String path = request.hasFile() ? request.getFile().getFilepath()
        : request.getFileOutputsCount() > 0 ? request.getFileOutputs(0).getFilepath() : null;
    if (path == null || path.isEmpty()) {
      return null;
    }
    return path.endsWith(".mp4") ? path : path + ".mp4";
  }

  /** One MP4 file output; S3 upload settings only when the target carries them (an explicit opt-in). */
  static EncodedFileOutput fileOutput(MediaTarget target) {
    EncodedFileOutput.Builder file = EncodedFileOutput.newBuilder()
        .setFileType(EncodedFileType.MP4)
        .setFilepath(target.filepath());
    MediaTarget.S3Upload s3 = target.s3();
    if (s3 != null) {
      S3Upload.Builder upload = S3Upload.newBuilder()
          .setAccessKey(s3.accessKey())
          .setSecret(s3.secret())
          .setRegion(s3.region())
          .setBucket(s3.bucket())
          .setForcePathStyle(s3.forcePathStyle());
      if (s3.endpoint() != null) {
        upload.setEndpoint(s3.endpoint().toString());
      }
      file.setS3(upload);
    }
    return file.build();
  }

  static @Nullable EncodingOptionsPreset preset(RecordingEncoding encoding) {
    String preset = encoding.presetName();
    return preset == null ? null : EncodingOptionsPreset.valueOf(preset);
  }

  /** Advanced options, codecs included; null for a preset. */
  static @Nullable EncodingOptions advanced(RecordingEncoding encoding) {
    RecordingEncoding.Options options = encoding.options();
    if (options == null) {
      return null;
    }
    EncodingOptions.Builder advanced = EncodingOptions.newBuilder()
        .setWidth(options.video().width())
        .setHeight(options.video().height())
        .setFramerate(options.video().framerate())
        .setVideoCodec(VideoCodec.valueOf(options.video().codec()))
        .setVideoBitrate(options.video().bitrate())
        .setKeyFrameInterval(options.video().keyFrameInterval())
        .setAudioCodec(AudioCodec.valueOf(options.audio().codec()))
        .setAudioBitrate(options.audio().bitrate())
        .setAudioFrequency(options.audio().frequency());
    if (options.video().depth() != null) {
      advanced.setDepth(Objects.requireNonNull(options.video().depth()));
    }
    return advanced.build();
  }

  private static long nanosToMillis(long nanos) {
    return nanos / 1_000_000L;
  }
}
