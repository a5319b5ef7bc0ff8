package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookJsonTest {

  static Recording recording(String roomName, Double duration) {
    RecordingId id = RecordingId.parse("room_1-0123456789abcde--EG_abcdefghijkl--a1b2c3d4e5");
    return new Recording(id.toString(), id.roomId(), roomName, RecordingStatus.COMPLETE, "grid", null,
        "room_1--a1b2c3.mp4", 1_700_000_000_000L, 1_700_000_012_000L, duration, 1_234_567L, null, null,
        "End reason: StopEgress API");
  }

  @Test
  void anIntegralDurationIsWrittenWithoutAFraction() {
    String body = WebhookJson.body(WebhookEventType.RECORDING_ENDED, 1_700_000_013_000L, recording("Room", 12.0));

    assertThat(body).contains("\"duration\":12,").doesNotContain("12.0");
  }

  @Test
  void aRecordingWithFullEncodingOptionsWritesIntegralKeyFrameIntervalsWithoutAFraction() {
    RecordingEncoding encoding = RecordingEncoding.of(new RecordingEncoding.Options(
        new RecordingEncoding.Video(1280, 720, 30, "H264_MAIN", 3000, 4.0, null),
        new RecordingEncoding.Audio("OPUS", 128, 48000)));
    Recording base = recording("Room", 12.5);
    Recording recording = new Recording(base.recordingId(), base.roomId(), "Room", RecordingStatus.ACTIVE, "grid",
        encoding, null, null, null, null, null, null, null, null);

    String body = WebhookJson.body(WebhookEventType.RECORDING_STARTED, 1L, recording);

    assertThat(body).contains("\"keyFrameInterval\":4}").contains("\"video\":{\"width\":1280,");
    assertThat(ExternalTool.reserialised("javascript", List.of(body))).containsExactly(body);
  }

  @Test
  void aBodyIsCompactWithMembersInOrderAndSlashesUnescaped() {
    String body = WebhookJson.body(WebhookEventType.RECORDING_ENDED, 5L,
        Map.of("url", "https://example.com/a/b"));

    assertThat(body).isEqualTo("{\"event\":\"recordingEnded\",\"creationDate\":5,"
        + "\"data\":{\"url\":\"https://example.com/a/b\"}}");
  }

  @Test
  void nonAsciiIsRawUtf8AndControlCharactersUseLowerCaseHex() {
    String body = WebhookJson.write(Map.of("name", "Réunion 会議 \uD83C\uDFA5\n\t\u001f\u007f"));

    assertThat(body).isEqualTo("{\"name\":\"Réunion 会議 \uD83C\uDFA5\\n\\t\\u001f\u007f\"}");
  }

  @Test
  void aLoneSurrogateBecomesTheReplacementCharacter() {
    assertThat(WebhookJson.write(Map.of("name", "a\uD800b"))).isEqualTo("{\"name\":\"a\uFFFDb\"}");
  }

  @Test
  void emptyObjectsAreLeftOutAtEveryDepthButEmptyArraysAndArrayNullsStay() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("a", Map.of());
    data.put("b", Map.of("c", Map.of()));
    data.put("d", List.of());
    data.put("e", java.util.Arrays.asList(Map.of(), null, 1));
    data.put("f", 1);

    assertThat(WebhookJson.write(data)).isEqualTo("{\"d\":[],\"e\":[null,1],\"f\":1}");
  }

  @Test
  void nanAndInfinityAreWrittenAsNullLikeJavaScript() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("a", Double.NaN);
    data.put("b", Double.POSITIVE_INFINITY);

    assertThat(WebhookJson.write(data)).isEqualTo("{\"a\":null,\"b\":null}");
  }

  @Test
  void aNumberBeyondJavaScriptsSafeIntegersIsRefusedNamingWhere() {
    assertThatThrownBy(() -> WebhookJson.write(Map.of("data", Map.of("size", 9_007_199_254_740_992L))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$.data.size")
        .hasMessageContaining("2^53");
  }

  @Test
  void fractionalNumbersArePrintedAsJavaScriptPrintsThem() {
    List<Double> values = List.of(12.345, 0.1, 0.30000000000000004, 1.5e-7, 1e-6, 123456.789, -2.5, 1e21 + 0.5,
        5e-324, 4.35, 2.0 / 3, 1234567890123.456, 0.000001234, 1.7976931348623157e308, 100.5, 9.95);

    List<String> javaScript = ExternalTool.javaScriptNumbers(values);

    assertThat(values.stream().map(WebhookJson::ecmaScript).toList()).isEqualTo(javaScript);
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "python", "php"})
  void aBodyIsAFixedPointOfEachLanguagesParseAndReserialise(String language) {
    List<String> bodies = new java.util.ArrayList<>();
    for (String roomName : List.of("Room", "Réunion d'équipe / 会議 🎥",
        "quote \" backslash \\ tab \t nul \u0000 del \u007f")) {
      for (double duration : new double[] {12.0, 12.345, 0.5, 3600.0}) {
        bodies.add(WebhookJson.body(WebhookEventType.RECORDING_ENDED, 1_700_000_013_000L,
            recording(roomName, duration)));
      }
    }

    assertThat(ExternalTool.reserialised(language, bodies)).isEqualTo(bodies);
  }
}
