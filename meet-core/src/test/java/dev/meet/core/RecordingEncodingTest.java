package dev.meet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class RecordingEncodingTest {

  private static RecordingEncoding.Video video(String codec) {
    return new RecordingEncoding.Video(1280, 720, 30, codec, 3000, 4, null);
  }

  @Test
  void anUnknownVideoCodecIsRejectedNamingTheField() {
    assertThatThrownBy(() -> video("H265"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encoding.video.codec")
        .hasMessageContaining("H264_MAIN");
  }

  @Test
  void anUnknownAudioCodecIsRejectedNamingTheField() {
    assertThatThrownBy(() -> new RecordingEncoding.Audio("MP3", 128, 44100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encoding.audio.codec");
  }

  @Test
  void aCodecThatIsNotAStringInJsonIsRejectedRatherThanReplacedByTheDefault() {
    Map<String, Object> json = Map.of(
        "video", Map.of("width", 1280, "height", 720, "framerate", 30, "bitrate", 3000, "codec", 7),
        "audio", Map.of("bitrate", 128, "frequency", 44100));

    assertThatThrownBy(() -> JsonMapper.shared().convertValue(json, RecordingEncoding.class))
        .hasMessageContaining("encoding.video.codec");
  }

  @Test
  void everyCodecLiveKitTakesIsAccepted() {
    for (String codec : RecordingEncoding.VIDEO_CODECS) {
      assertThat(video(codec).codec()).isEqualTo(codec);
    }
    for (String codec : RecordingEncoding.AUDIO_CODECS) {
      assertThat(new RecordingEncoding.Audio(codec, 128, 44100).codec()).isEqualTo(codec);
    }
  }
}
