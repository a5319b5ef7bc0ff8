package dev.meet.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The encoding of a recording: a named preset ({@code H264_720P_30}, ...) or full video and audio options. In JSON it
 * is the preset's name or the options object, as OpenVidu Meet writes it.
 */
public final class RecordingEncoding {

  /** LiveKit's presets that OpenVidu Meet offers. */
  public static final Set<String> PRESETS = Set.of(
      "H264_720P_30", "H264_720P_60", "H264_1080P_30", "H264_1080P_60",
      "PORTRAIT_H264_720P_30", "PORTRAIT_H264_720P_60", "PORTRAIT_H264_1080P_30", "PORTRAIT_H264_1080P_60");

  public static final RecordingEncoding DEFAULT = preset("H264_720P_30");

  /** The video codecs LiveKit's egress takes. */
  public static final Set<String> VIDEO_CODECS = Set.of("H264_BASELINE", "H264_MAIN", "H264_HIGH", "VP8");

  /** The audio codecs LiveKit's egress takes. */
  public static final Set<String> AUDIO_CODECS = Set.of("OPUS", "AAC");

  private final @Nullable String preset;
  private final @Nullable Options options;

  private RecordingEncoding(@Nullable String preset, @Nullable Options options) {
    this.preset = preset;
    this.options = options;
  }

  /**
   * A preset by name.
   *
   * @throws IllegalArgumentException naming the field when the preset is unknown
   */
  public static RecordingEncoding preset(String name) {
    if (!PRESETS.contains(name)) {
      throw new IllegalArgumentException("encoding must be one of " + new java.util.TreeSet<>(PRESETS)
          + " or an object with video and audio; was " + Texts.excerpt(name));
    }
    return new RecordingEncoding(name, null);
  }

  public static RecordingEncoding of(Options options) {
    return new RecordingEncoding(null, Objects.requireNonNull(options, "options"));
  }

  @JsonCreator
  static RecordingEncoding fromJson(Object json) {
    if (json instanceof String name) {
      return preset(name);
    }
    if (json instanceof Map<?, ?> map) {
      return of(Options.fromMap(map));
    }
    throw new IllegalArgumentException("encoding must be a preset name or an object with video and audio");
  }

  @JsonValue
  Object toJson() {
    return preset != null ? preset : Objects.requireNonNull(options);
  }

  public @Nullable String presetName() {
    return preset;
  }

  public @Nullable Options options() {
    return options;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RecordingEncoding that && Objects.equals(preset, that.preset)
        && Objects.equals(options, that.options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(preset, options);
  }

  @Override
  public String toString() {
    return String.valueOf(toJson());
  }

  /** Full encoding options; both parts are required and every number is positive. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Options(Video video, Audio audio) {
    public Options {
      Objects.requireNonNull(video, "encoding.video is required");
      Objects.requireNonNull(audio, "encoding.audio is required");
    }

    static Options fromMap(Map<?, ?> map) {
      if (!(map.get("video") instanceof Map<?, ?> video) || !(map.get("audio") instanceof Map<?, ?> audio)) {
        throw new IllegalArgumentException("encoding must have both video and audio objects");
      }
      return new Options(
          new Video(integer(video, "width", "encoding.video.width"), integer(video, "height", "encoding.video.height"),
              integer(video, "framerate", "encoding.video.framerate"), text(video, "codec", "encoding.video.codec", "H264_MAIN"),
              integer(video, "bitrate", "encoding.video.bitrate"),
              number(video, "keyFrameInterval", "encoding.video.keyFrameInterval", 4),
              optionalInteger(video, "depth", "encoding.video.depth")),
          new Audio(text(audio, "codec", "encoding.audio.codec", "OPUS"), integer(audio, "bitrate", "encoding.audio.bitrate"),
              integer(audio, "frequency", "encoding.audio.frequency")));
    }
  }

  /** Video options. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Video(int width, int height, int framerate, String codec, int bitrate, double keyFrameInterval,
      @Nullable Integer depth) {
    public Video {
      positive(width, "encoding.video.width");
      positive(height, "encoding.video.height");
      positive(framerate, "encoding.video.framerate");
      positive(bitrate, "encoding.video.bitrate");
      if (!(keyFrameInterval > 0)) {
        throw new IllegalArgumentException("encoding.video.keyFrameInterval must be a positive number");
      }
      oneOf(codec, VIDEO_CODECS, "encoding.video.codec");
      if (depth != null) {
        positive(depth, "encoding.video.depth");
      }
    }
  }

  /** Audio options. */
  public record Audio(String codec, int bitrate, int frequency) {
    public Audio {
      oneOf(codec, AUDIO_CODECS, "encoding.audio.codec");
      positive(bitrate, "encoding.audio.bitrate");
      positive(frequency, "encoding.audio.frequency");
    }
  }

  private static void oneOf(@Nullable String value, Set<String> allowed, String field) {
    if (value == null || !allowed.contains(value)) {
      throw new IllegalArgumentException(field + " must be one of " + new java.util.TreeSet<>(allowed) + ", was "
          + Texts.excerpt(value));
    }
  }

  private static void positive(int value, String field) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be a positive number, was " + value);
    }
  }

  private static int integer(Map<?, ?> map, String key, String field) {
    if (!(map.get(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException(field + " must be a positive integer");
    }
    return n.intValue();
  }

  private static @Nullable Integer optionalInteger(Map<?, ?> map, String key, String field) {
    return map.get(key) == null ? null : integer(map, key, field);
  }

  private static double number(Map<?, ?> map, String key, String field, double fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(field + " must be a positive number");
    }
    return n.doubleValue();
  }

  private static String text(Map<?, ?> map, String key, String field, String fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return text;
  }
}
