package dev.meet.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class RecordingJsonTest {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final RecordingId ID = RecordingId.parse("room-1--EG_abcDEF123456--0123456789");
  private static final String KEY = "openvidu-meet/recordings/.metadata/room-1/EG_abcDEF123456/0123456789.json";

  private static Recording full() {
    return new Recording(ID.toString(), "room-1", "Weekly sync", RecordingStatus.LIMIT_REACHED, "grid",
        RecordingEncoding.of(new RecordingEncoding.Options(
            new RecordingEncoding.Video(1280, 720, 30, "H264_MAIN", 3000, 4, null),
            new RecordingEncoding.Audio("OPUS", 128, 48000))),
        "room-1--0123456789.mp4", 1_000L, 61_000L, 60.5, 1_048_576L, 12, "limit", "End reason: limit reached");
  }

  private static Map<String, Object> parse(byte[] json) {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = MAPPER.readValue(json, Map.class);
    return map;
  }

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void metadataDocumentHoldsEveryPublicFieldAndTheEgressUpdateTime() {
    byte[] json = RecordingJson.writeMetadata(new RecordingMetadata(full(), 1_700_000_000_000_000_123L));

    Map<String, Object> document = parse(json);
    assertThat(document).containsOnlyKeys("recordingId", "roomId", "roomName", "status", "layout", "encoding",
        "filename", "startDate", "endDate", "duration", "size", "errorCode", "error", "details", "egressUpdatedAt");
    assertThat(document).containsEntry("status", "limit_reached").containsEntry("startDate", 1000)
        .containsEntry("duration", 60.5).containsEntry("egressUpdatedAt", 1_700_000_000_000_000_123L);
    assertThat(document.get("encoding")).isInstanceOf(Map.class);
  }

  @Test
  void metadataRoundTripsExactly() {
    RecordingMetadata metadata = new RecordingMetadata(full(), 42);

    assertThat(RecordingJson.readMetadata(RecordingJson.writeMetadata(metadata), KEY, ID)).isEqualTo(metadata);
  }

  @Test
  void unknownValuesAreAbsentNotNull() {
    Recording starting = Recording.starting(ID, "room-1", null, RecordingEncoding.DEFAULT);

    Map<String, Object> document = parse(RecordingJson.writeMetadata(new RecordingMetadata(starting, 0)));

    assertThat(document).containsOnlyKeys("recordingId", "roomId", "roomName", "status", "encoding", "filename",
        "egressUpdatedAt");
    assertThat(document).containsEntry("encoding", "H264_720P_30").containsEntry("egressUpdatedAt", 0);
  }

  @Test
  void unknownFieldsAreIgnoredAndAMissingEgressUpdateTimeIsZero() {
    byte[] json = utf8("{\"recordingId\":\"" + ID + "\",\"roomId\":\"room-1\",\"roomName\":\"R\","
        + "\"status\":\"complete\",\"addedByANewerVersion\":{\"x\":1},\"publicAccess\":true}");

    RecordingMetadata metadata = RecordingJson.readMetadata(json, KEY);

    assertThat(metadata.egressUpdatedAt()).isZero();
    assertThat(metadata.recording().status()).isEqualTo(RecordingStatus.COMPLETE);
    assertThat(metadata.recording().layout()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "{",
      "[]",
      "null",
      "\"text\"",
      "{\"recordingId\":\"room-1--EG_a--0123456789\"}",
      "{\"recordingId\":\"../x\",\"roomId\":\"room-1\",\"roomName\":\"R\",\"status\":\"complete\"}",
      "{\"recordingId\":\"room-1--EG_a--0123456789\",\"roomId\":\"room-1\",\"roomName\":\"R\",\"status\":\"done\"}",
      "{\"recordingId\":\"room-1--EG_a--0123456789\",\"roomId\":\"room-1\",\"roomName\":\"R\",\"status\":\"complete\","
          + "\"egressUpdatedAt\":-1}",
      "{\"recordingId\":\"room-1--EG_a--0123456789\",\"roomId\":\"room-1\",\"roomName\":\"R\",\"status\":\"complete\","
          + "\"egressUpdatedAt\":\"soon\"}",
      "{\"recordingId\":\"room-1--EG_a--0123456789\",\"roomId\":\"room-1\",\"roomName\":\"R\",\"status\":\"complete\","
          + "\"encoding\":\"H265_8K\"}",
  })
  void corruptMetadataIsAStorageErrorNamingWhereItLies(String json) {
    assertThatThrownBy(() -> RecordingJson.readMetadata(utf8(json), KEY))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(KEY);
  }

  @Test
  void metadataOfAnotherRecordingIsAStorageError() {
    byte[] json = RecordingJson.writeMetadata(new RecordingMetadata(full(), 0));
    RecordingId other = RecordingId.parse("room-1--EG_other--0123456789");

    assertThatThrownBy(() -> RecordingJson.readMetadata(json, KEY, other))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(ID.toString());
  }

  @Test
  void anOversizedDocumentIsRefusedUnparsed() {
    byte[] huge = new byte[RecordingJson.MAX_DOCUMENT_BYTES + 1];

    assertThatThrownBy(() -> RecordingJson.readMetadata(huge, KEY)).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> RecordingJson.readSecrets(huge, KEY)).isInstanceOf(StorageException.class);
  }

  @Test
  void secretsDocumentHasBothSecretsAndRoundTrips() {
    RecordingSecrets secrets = RecordingSecrets.generate();

    byte[] json = RecordingJson.writeSecrets(secrets);

    assertThat(parse(json)).containsOnly(Map.entry("publicSecret", secrets.publicSecret()),
        Map.entry("privateSecret", secrets.privateSecret()));
    assertThat(RecordingJson.readSecrets(json, "secrets.json")).isEqualTo(secrets);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "{\"publicSecret\":\"abcdefghij\"}",
      "{\"publicSecret\":\"abcdefghij\",\"privateSecret\":\"short\"}",
      "{\"publicSecret\":\"abcdefghij\",\"privateSecret\":\"klmnopqrst\"",
  })
  void corruptSecretsAreAStorageErrorThatNeverQuotesThem(String json) {
    assertThatThrownBy(() -> RecordingJson.readSecrets(utf8(json), "secrets.json"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("secrets.json")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("abcdefghij", "klmnopqrst", "short"));
  }
}
