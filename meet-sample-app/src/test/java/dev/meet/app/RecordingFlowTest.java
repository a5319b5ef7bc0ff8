package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The whole path over HTTP: room, participant, start, stop, complete, stream, download, delete. */
class RecordingFlowTest extends StackTest {


  @Test
  void aRecordingGoesFromStartToCompleteAndIsStreamedAndDeleted() {
    String roomId = stack.roomWithParticipant("Flow room");

    Backend.Response started = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    JsonNode recording = started.json();
    String id = recording.get("recordingId").asString();
    assertThat(recording.get("status").asString()).isEqualTo("active");
    assertThat(recording.get("roomName").asString()).isEqualTo("Flow room");
    assertThat(recording.get("layout").asString()).isEqualTo("grid");
    assertThat(recording.get("encoding").asString()).isEqualTo("H264_720P_30");
    assertThat(started.header("Location")).isEqualTo(api.api + "/recordings/" + id);

    Backend.Response stopped = api.post("/recordings/" + id + "/stop", "");
    assertThat(stopped.status()).isEqualTo(202);
    assertThat(stopped.json().get("status").asString()).isIn("ending", "complete");
    assertThat(stopped.header("Location")).isEqualTo(api.api + "/recordings/" + id);

    stack.awaitStatus(id, "complete");
    JsonNode complete = api.get("/recordings/" + id).json();
    long size = complete.get("size").asLong();
    assertThat(size).isPositive();
    assertThat(complete.get("duration").asDouble()).isPositive();

    Backend.Response whole = api.get("/recordings/" + id + "/media");
    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.header("Content-Type")).isEqualTo("video/mp4");
    assertThat(whole.header("Accept-Ranges")).isEqualTo("bytes");
    assertThat(whole.bytes()).hasSize((int) size);
    assertThat(new String(whole.bytes(), 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("ftyp");

    Backend.Response part = api.get("/recordings/" + id + "/media", "Range", "bytes=10-19");
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.header("Content-Range")).isEqualTo("bytes 10-19/" + size);
    assertThat(part.bytes()).containsExactly(java.util.Arrays.copyOfRange(whole.bytes(), 10, 20));

    Backend.Response download = api.get("/recordings/" + id + "/download");
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.header("Content-Disposition")).startsWith("attachment; filename=\"" + roomId + "--");
    assertThat(download.bytes()).isEqualTo(whole.bytes());

    Backend.Response deleted = api.delete("/recordings/" + id);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().get("message").asString()).isEqualTo("Recording '" + id + "' deleted successfully");
    assertThat(api.get("/recordings/" + id).status()).isEqualTo(404);
    assertThat(api.get("/recordings/" + id + "/media").status()).isEqualTo(404);
  }
}
