package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every recordings row of the API and its errors, over HTTP against the shared stack. */
class RecordingsApiTest extends StackTest {

  /** Three complete recordings: room name → recording id. */
  static final Map<String, String> complete = new LinkedHashMap<>();
  static final Map<String, String> roomOf = new LinkedHashMap<>();
  static String prefix;

  @BeforeAll
  static void recordings() {
    prefix = "Rt" + Long.toHexString(System.nanoTime()).substring(6);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (String name : List.of(base() + " Alpha", base() + " alpha beta", base() + " Gamma")) {
      String roomId = stack.roomWithParticipant(name);
      roomOf.put(name, roomId);
      Backend.Response started = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
      assertThat(started.status()).as(started.toString()).isEqualTo(201);
      complete.put(name, started.json().get("recordingId").asString());
    }
    complete.values().forEach(id -> assertThat(api.post("/recordings/" + id + "/stop", "").status()).isEqualTo(202));
    complete.values().forEach(id -> stack.awaitStatus(id, "complete"));
  }

  @AfterEach
  void resetFaults() {
    stack.emulator.faults().reset();
  }

  /** The names of the three complete recordings' rooms start with this; other tests' rooms do not. */
  static String base() {
    return prefix + "base";
  }

  static String id(int index) {
    return new ArrayList<>(complete.values()).get(index);
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------------ start

  @Test
  void startInAnUnknownRoomIs404() {
    Backend.Response response = api.post("/recordings", "{\"roomId\":\"nope-123\"}");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("error").asString()).isEqualTo("Room Error");
    assertThat(response.json().get("message").asString()).isEqualTo("Room 'nope-123' does not exist");
  }

  @Test
  void startInARoomWithRecordingDisabledIs403() {
    String roomId = api.post("/rooms", "{\"config\":{\"recording\":{\"enabled\":false}}}").json().get("roomId")
        .asString();
    Backend.Response response = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().get("message").asString()).isEqualTo("Recording is disabled for room '" + roomId + "'");
  }

  @Test
  void startInAnEndToEndEncryptedRoomIs403() {
    JsonNode room = api.post("/rooms", "{\"config\":{\"e2ee\":{\"enabled\":true}}}").json();
    assertThat(room.get("config").get("recording").get("enabled").asBoolean()).isFalse();
    Backend.Response response = api.post("/recordings", "{\"roomId\":\"" + room.get("roomId").asString() + "\"}");
    assertThat(response.status()).isEqualTo(403);
  }

  @Test
  void startInARoomWithoutParticipantsIs409() {
    String roomId = api.post("/rooms", "{}").json().get("roomId").asString();
    Backend.Response response = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().get("message").asString()).isEqualTo("Room '" + roomId + "' has no participants");
  }

  @Test
  void aSecondStartInTheSameRoomIs409AndStopsOnlyTheFirst() {
    String roomId = stack.roomWithParticipant(prefix + " twice");
    Backend.Response first = api.post("/recordings", "{\"roomId\":\"" + roomId + "\",\"config\":{\"layout\":"
        + "\"speaker\"}}");
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.json().get("layout").asString()).isEqualTo("speaker");
    Backend.Response second = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.json().get("message").asString()).isEqualTo("Room '" + roomId + "' is already being recorded");
    String id = first.json().get("recordingId").asString();
    assertThat(api.post("/recordings/" + id + "/stop", "").status()).isEqualTo(202);
    Backend.Response again = api.post("/recordings/" + id + "/stop", "");
    assertThat(again.status()).isIn(409);
    stack.awaitStatus(id, "complete");
    Backend.Response stoppedAgain = api.post("/recordings/" + id + "/stop", "");
    assertThat(stoppedAgain.status()).isEqualTo(409);
    assertThat(stoppedAgain.json().get("message").asString()).isEqualTo("Recording '" + id + "' is already stopped");
  }

  @Test
  void startWithAnInvalidBodyIs422NamingTheField() {
    Backend.Response noRoom = api.post("/recordings", "{\"config\":{}}");
    assertThat(noRoom.status()).isEqualTo(422);
    assertThat(noRoom.json().get("error").asString()).isEqualTo("Unprocessable Entity");
    assertThat(noRoom.json().get("message").asString()).isEqualTo("Invalid request");
    assertThat(noRoom.json().get("details").get(0).get("field").asString()).isEqualTo("roomId");

    String roomId = api.post("/rooms", "{}").json().get("roomId").asString();
    Backend.Response layout = api.post("/recordings", "{\"roomId\":\"" + roomId + "\",\"config\":{\"layout\":\"x\"}}");
    assertThat(layout.status()).isEqualTo(422);
    assertThat(layout.json().get("details").get(0).get("field").asString()).isEqualTo("config.layout");

    Backend.Response encoding = api.post("/recordings", "{\"roomId\":\"" + roomId
        + "\",\"config\":{\"encoding\":{\"video\":{\"width\":-1}}}}");
    assertThat(encoding.status()).isEqualTo(422);
    assertThat(encoding.json().get("details").get(0).get("field").asString()).isEqualTo("config.encoding");

    Backend.Response badId = api.post("/recordings", "{\"roomId\":\"../etc\"}");
    assertThat(badId.status()).isEqualTo(422);
  }

  @Test
  void aStartWhoseEgressNeverBecomesActiveIs503AndStopsIt() {
    String roomId = stack.roomWithParticipant(prefix + " stuck");
    stack.emulator.faults().egressStuckInStarting(true);
    Backend.Response response = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.json().get("message").asString())
        .isEqualTo("Recording in room '" + roomId + "' timed out while starting");
  }

  @Test
  void stoppingARecordingThatIsStillStartingIs409() throws Exception {
    String roomId = stack.roomWithParticipant(prefix + " starting");
    stack.emulator.faults().egressStuckInStarting(true);
    CompletableFuture<Backend.Response> start = CompletableFuture.supplyAsync(() ->
        api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}"));
    String[] id = new String[1];
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode list = api.get("/recordings?roomId=" + roomId).json().get("recordings");
      if (list.size() == 1 && list.get(0).get("status").asString().equals("starting")) {
        id[0] = list.get(0).get("recordingId").asString();
        return true;
      }
      return false;
    });
    Backend.Response stop = api.post("/recordings/" + id[0] + "/stop", "");
    assertThat(stop.status()).isEqualTo(409);
    assertThat(stop.json().get("message").asString())
        .isEqualTo("Recording '" + id[0] + "' cannot be stopped while starting");
    assertThat(start.get().status()).isEqualTo(503);
  }

  // ------------------------------------------------------------------------------------------ stop, get, delete

  @Test
  void aStopWhileAnotherStopOfTheSameRecordingIsInFlightIs409() throws Exception {
    String roomId = stack.roomWithParticipant(prefix + " two stops");
    String id = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}").json().get("recordingId").asString();
    stack.emulator.faults().delayRequest("Egress/StopEgress", Duration.ofSeconds(2));
    long stopsBefore = stack.emulator.requestCount("Egress/StopEgress");
    CompletableFuture<Backend.Response> first = CompletableFuture.supplyAsync(() ->
        api.post("/recordings/" + id + "/stop", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> stack.emulator.requestCount("Egress/StopEgress") > stopsBefore
        || first.isDone());
    Backend.Response second = api.post("/recordings/" + id + "/stop", "");
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.json().get("message").asString()).isEqualTo("Recording '" + id + "' is already being stopped");
    assertThat(first.get().status()).isEqualTo(202);
  }

  @Test
  void unknownAndMalformedIdsAre404And422() {
    String unknown = "room-1--EG_abcdefabcdef--0123456789";
    for (Backend.Response response : List.of(api.get("/recordings/" + unknown),
        api.post("/recordings/" + unknown + "/stop", ""), api.delete("/recordings/" + unknown),
        api.get("/recordings/" + unknown + "/url"), api.get("/recordings/" + unknown + "/media"))) {
      assertThat(response.status()).as(response.toString()).isEqualTo(404);
      assertThat(response.json().get("message").asString()).isEqualTo("Recording '" + unknown + "' not found");
    }
    for (Backend.Response response : List.of(api.get("/recordings/not-an-id"),
        api.post("/recordings/not-an-id/stop", ""), api.delete("/recordings/not-an-id"))) {
      assertThat(response.status()).as(response.toString()).isEqualTo(422);
      assertThat(response.json().get("details").get(0).get("field").asString()).isEqualTo("recordingId");
    }
  }

  @Test
  void idsPaddedWithSpacesAreTrimmed() {
    Backend.Response response = api.get("/recordings/%20" + id(0) + "%20");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("recordingId").asString()).isEqualTo(id(0));
  }

  @Test
  void deletingARecordingThatIsStillActiveIs409() {
    String roomId = stack.roomWithParticipant(prefix + " active");
    String id = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}").json().get("recordingId").asString();
    Backend.Response response = api.delete("/recordings/" + id);
    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().get("message").asString()).isEqualTo("Recording '" + id + "' is not stopped yet");
    Backend.Response bulk = api.delete("/recordings?recordingIds=" + id);
    assertThat(bulk.status()).isEqualTo(400);
    assertThat(bulk.json().get("failed").get(0).get("recordingId").asString()).isEqualTo(id);
    // Checked while active: once stopped, the emulator's egress completes within 100 ms, racing a check after stop.
    Backend.Response media = api.get("/recordings/" + id + "/media");
    assertThat(media.status()).isEqualTo(409);
    assertThat(media.json().get("message").asString()).isEqualTo("Recording '" + id + "' is not streamable");
    assertThat(api.post("/recordings/" + id + "/stop", "").status()).isEqualTo(202);
  }

  @Test
  void bulkDeleteReportsDeletedAndFailedAndNeedsIds() {
    String id = stack.completedRecording(prefix + " bulk");
    String unknown = "room-1--EG_abcdefabcdef--0123456789";
    Backend.Response partial = api.delete("/recordings?recordingIds=" + id + "," + unknown + ",%20" + id);
    assertThat(partial.status()).isEqualTo(400);
    assertThat(partial.json().get("message").asString()).isEqualTo("1 recording(s) could not be deleted");
    assertThat(partial.json().get("deleted").get(0).asString()).isEqualTo(id);
    assertThat(partial.json().get("deleted").size()).isEqualTo(1);
    assertThat(partial.json().get("failed").get(0).get("recordingId").asString()).isEqualTo(unknown);

    String other = stack.completedRecording(prefix + " bulk2");
    Backend.Response ok = api.delete("/recordings?recordingIds=" + other);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("message").asString()).isEqualTo("All recordings deleted successfully");
    assertThat(ok.json().get("failed").size()).isZero();

    Backend.Response none = api.delete("/recordings?recordingIds=");
    assertThat(none.status()).isEqualTo(422);
    assertThat(none.json().get("details").get(0).get("field").asString()).isEqualTo("recordingIds");
  }

  // ------------------------------------------------------------------------------------------ list

  static List<String> names(Backend.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    JsonNode list = response.json().get("recordings");
    for (int i = 0; i < list.size(); i++) {
      names.add(list.get(i).get("roomName").asString());
    }
    return names;
  }

  @Test
  void listFiltersByRoomNameInEveryMatchMode() {
    assertThat(names(api.get("/recordings?roomName=" + enc(base() + " Alpha")))).containsExactly(base() + " Alpha");
    assertThat(names(api.get("/recordings?roomName=" + enc(base() + " alpha") + "&roomNameMatchMode=prefix")))
        .containsExactly(base() + " alpha beta");
    assertThat(names(api.get("/recordings?roomName=" + enc(base() + " alpha")
        + "&roomNameMatchMode=prefix&roomNameCaseInsensitive=true&sortField=roomName&sortOrder=asc")))
        .containsExactly(base() + " Alpha", base() + " alpha beta");
    assertThat(names(api.get("/recordings?roomName=" + enc("mma") + "&roomNameMatchMode=partial")))
        .contains(base() + " Gamma").doesNotContain(base() + " Alpha");
    assertThat(names(api.get("/recordings?roomName=" + enc("^" + base() + " (Alpha|Gamma)$")
        + "&roomNameMatchMode=regex&sortField=roomName&sortOrder=desc")))
        .containsExactly(base() + " Gamma", base() + " Alpha");
  }

  @Test
  void roomIdWinsOverRoomName() {
    String roomId = roomOf.get(base() + " Gamma");
    assertThat(names(api.get("/recordings?roomId=" + roomId + "&roomName=nothing"))).containsExactly(base() + " Gamma");
  }

  @Test
  void listFiltersByStatusAndPagesWithTokens() {
    String query = "/recordings?roomName=" + enc(base()) + "&roomNameMatchMode=prefix&status=complete"
        + "&sortField=roomName&sortOrder=asc&maxItems=2.9";
    Backend.Response first = api.get(query);
    assertThat(names(first)).containsExactly(base() + " Alpha", base() + " Gamma");
    JsonNode pagination = first.json().get("pagination");
    assertThat(pagination.get("isTruncated").asBoolean()).isTrue();
    assertThat(pagination.get("maxItems").asInt()).isEqualTo(2);
    Backend.Response second = api.get(query + "&nextPageToken=" + pagination.get("nextPageToken").asString());
    assertThat(names(second)).containsExactly(base() + " alpha beta");
    assertThat(second.json().get("pagination").get("isTruncated").asBoolean()).isFalse();
    assertThat(second.json().get("pagination").has("nextPageToken")).isFalse();

    Backend.Response otherQuery = api.get("/recordings?nextPageToken=" + pagination.get("nextPageToken").asString());
    assertThat(otherQuery.status()).isEqualTo(422);
    assertThat(otherQuery.json().get("details").get(0).get("field").asString()).isEqualTo("nextPageToken");
  }

  @Test
  void listSortsByStartDateDescendingByDefaultAndCapsMaxItems() {
    Backend.Response response = api.get("/recordings?maxItems=1000");
    assertThat(response.json().get("pagination").get("maxItems").asInt()).isEqualTo(100);
    JsonNode list = response.json().get("recordings");
    for (int i = 1; i < list.size(); i++) {
      assertThat(list.get(i - 1).get("startDate").asLong()).isGreaterThanOrEqualTo(list.get(i).get("startDate").asLong());
    }
  }

  @Test
  void invalidListParametersAre422NamingThem() {
    Map<String, String> cases = Map.of(
        "maxItems=0", "maxItems", "maxItems=-3", "maxItems", "maxItems=abc", "maxItems",
        "sortField=name", "sortField", "sortOrder=up", "sortOrder", "roomNameMatchMode=fuzzy", "roomNameMatchMode",
        "status=done", "status", "nextPageToken=garbage", "nextPageToken",
        "roomName=" + enc("(unclosed") + "&roomNameMatchMode=regex", "roomName");
    cases.forEach((query, field) -> {
      Backend.Response response = api.get("/recordings?" + query);
      assertThat(response.status()).as(query).isEqualTo(422);
      assertThat(response.json().get("details").get(0).get("field").asString()).as(query).isEqualTo(field);
    });
  }

  @Test
  void aCatastrophicRegexIsRefusedInsteadOfHanging() {
    String roomId = api.post("/rooms", "{\"roomName\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"}").json()
        .get("roomId").asString();
    stack.emulator.addParticipant(roomId, "bob", true);
    String id = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}").json().get("recordingId").asString();
    try {
      Backend.Response response = api.get("/recordings?roomNameMatchMode=regex&roomName=" + enc("(.*a){20}$"));
      assertThat(response.status()).isEqualTo(422);
      assertThat(response.json().get("details").get(0).get("field").asString()).isEqualTo("roomName");
    } finally {
      api.post("/recordings/" + id + "/stop", "");
    }
  }

  @Test
  void unknownQueryParametersAreIgnored() {
    assertThat(api.get("/recordings?foo=bar&extraFields=x").status()).isEqualTo(200);
  }

  @Test
  void fieldsFromQueryAndHeaderAreMergedAndUnknownNamesIgnored() {
    Backend.Response response = api.get("/recordings/" + id(0) + "?fields=status,bogus", "X-Fields", "roomId");
    JsonNode body = response.json();
    assertThat(body.propertyNames()).containsExactlyInAnyOrder("status", "roomId");
    Backend.Response none = api.get("/recordings/" + id(0) + "?fields=bogus");
    assertThat(none.json().has("recordingId")).isTrue();
    assertThat(none.json().has("size")).isTrue();
    Backend.Response list = api.get("/recordings?fields=recordingId&roomId=" + roomOf.get(base() + " Alpha"));
    assertThat(list.json().get("recordings").get(0).propertyNames()).containsExactly("recordingId");
  }

  @Test
  void startAndStopAnswersAreProjectedByFieldsAndXFieldsMerged() {
    String roomId = stack.roomWithParticipant("projected");
    Backend.Response started = api.post("/recordings?fields=recordingId,bogus", "{\"roomId\":\"" + roomId + "\"}",
        "X-Fields", "status");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    assertThat(started.json().propertyNames()).containsExactlyInAnyOrder("recordingId", "status");
    assertThat(started.json().get("status").asString()).isEqualTo("active");
    assertThat(started.header("Location")).endsWith("/recordings/" + started.json().get("recordingId").asString());
    String id = started.json().get("recordingId").asString();

    Backend.Response stopped = api.post("/recordings/" + id + "/stop?fields=status", "", "X-Fields", "roomId");
    assertThat(stopped.status()).as(stopped.toString()).isEqualTo(202);
    assertThat(stopped.json().propertyNames()).containsExactlyInAnyOrder("status", "roomId");
    assertThat(stopped.json().get("roomId").asString()).isEqualTo(roomId);
    stack.awaitStatus(id, "complete");
  }

  @Test
  void startAndStopAnswersWithOnlyUnknownFieldsAreWhole() {
    String roomId = stack.roomWithParticipant("unprojected");
    Backend.Response started = api.post("/recordings?fields=bogus", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    assertThat(started.json().propertyNames()).contains("recordingId", "roomId", "roomName", "status", "layout",
        "encoding");
    String id = started.json().get("recordingId").asString();
    Backend.Response stopped = api.post("/recordings/" + id + "/stop", "", "X-Fields", "nothing,known");
    assertThat(stopped.status()).isEqualTo(202);
    assertThat(stopped.json().propertyNames()).contains("recordingId", "roomId", "status", "layout");
    stack.awaitStatus(id, "complete");
  }

  @Test
  void recordingsCarryNoSecretsAndNoNulls() {
    String text = api.get("/recordings/" + id(0)).text();
    assertThat(text).doesNotContain("null").doesNotContainIgnoringCase("secret");
  }

  // ------------------------------------------------------------------------------------------ media

  @Test
  void rangesOfEveryFormAreServed() {
    String path = "/recordings/" + id(1) + "/media";
    byte[] whole = api.get(path).bytes();
    int size = whole.length;
    Backend.Response suffix = api.get(path, "Range", "bytes=-10");
    assertThat(suffix.status()).isEqualTo(206);
    assertThat(suffix.header("Content-Range")).isEqualTo("bytes " + (size - 10) + "-" + (size - 1) + "/" + size);
    assertThat(suffix.bytes()).isEqualTo(java.util.Arrays.copyOfRange(whole, size - 10, size));

    Backend.Response open = api.get(path, "Range", "bytes=" + (size - 5) + "-");
    assertThat(open.status()).isEqualTo(206);
    assertThat(open.bytes()).hasSize(5);

    Backend.Response clamped = api.get(path, "Range", "bytes=0-" + (size * 10));
    assertThat(clamped.status()).isEqualTo(206);
    assertThat(clamped.header("Content-Range")).isEqualTo("bytes 0-" + (size - 1) + "/" + size);
    assertThat(clamped.bytes()).isEqualTo(whole);
  }

  @Test
  void aRangeBeyondTheEndIs416WithTheSize() {
    String path = "/recordings/" + id(1) + "/media";
    int size = api.get(path).bytes().length;
    Backend.Response response = api.get(path, "Range", "bytes=" + size + "-");
    assertThat(response.status()).isEqualTo(416);
    assertThat(response.header("Content-Range")).isEqualTo("bytes */" + size);
    assertThat(response.json().get("error").asString()).isEqualTo("Recording Error");
  }

  @Test
  void aMalformedRangeIs422() {
    Backend.Response response = api.get("/recordings/" + id(1) + "/media", "Range", "bytes=abc");
    assertThat(response.status()).isEqualTo(422);
    assertThat(response.json().get("details").get(0).get("field").asString()).isEqualTo("Range");
  }

  @Test
  void ifRangeAppliesTheRangeOnlyWhileTheValidatorMatches() {
    String path = "/recordings/" + id(1) + "/media";
    Backend.Response whole = api.get(path);
    String etag = whole.header("ETag");
    String lastModified = whole.header("Last-Modified");
    assertThat(api.get(path, "Range", "bytes=0-9", "If-Range", etag).status()).isEqualTo(206);
    assertThat(api.get(path, "Range", "bytes=0-9", "If-Range", lastModified).status()).isEqualTo(206);
    Backend.Response changed = api.get(path, "Range", "bytes=0-9", "If-Range", "\"other\"");
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.bytes()).isEqualTo(whole.bytes());
    String older = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.EPOCH.atZone(ZoneOffset.UTC));
    assertThat(api.get(path, "Range", "bytes=0-9", "If-Range", older).status()).isEqualTo(200);
  }

  @Test
  void severalRecordingsDownloadAsAStreamedZip() throws IOException {
    String unknown = "room-1--EG_abcdefabcdef--0123456789";
    Backend.Response zip = api.get("/recordings/download?recordingIds=" + id(0) + "," + id(2) + "," + unknown);
    assertThat(zip.status()).isEqualTo(200);
    assertThat(zip.header("Content-Type")).isEqualTo("application/zip");
    assertThat(zip.header("Content-Length")).isNull(); // streamed, not buffered
    List<String> entries = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.bytes()))) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        entries.add(entry.getName());
        assertThat(in.readAllBytes()).isEqualTo(api.get("/recordings/"
            + (entries.size() == 1 ? id(0) : id(2)) + "/media").bytes());
      }
    }
    assertThat(entries).hasSize(2);

    Backend.Response none = api.get("/recordings/download?recordingIds=" + unknown);
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.json().get("message").asString())
        .isEqualTo("None of the provided recordings are available for ZIP download");
  }

  // ------------------------------------------------------------------------------------------ url and secrets

  @Test
  void thePublicUrlPlaysWithoutTheApiKey() {
    Backend.Response url = api.get("/recordings/" + id(0) + "/url");
    assertThat(url.status()).isEqualTo(200);
    String link = url.json().get("url").asString();
    assertThat(link).startsWith(api.api + "/recordings/" + id(0) + "/media?recordingSecret=");
    Backend.Response media = api.get(link, "X-API-KEY", "");
    assertThat(media.status()).isEqualTo(200);
    assertThat(media.header("Content-Type")).isEqualTo("video/mp4");
    String secret = link.substring(link.indexOf('=') + 1);
    Backend.Response metadata = api.get("/recordings/" + id(0) + "?recordingSecret=" + secret, "X-API-KEY", "");
    assertThat(metadata.status()).isEqualTo(200);
  }

  @Test
  void aWrongOrPrivateSecretWithoutTheKeyIs400AndNoSecretIs401() {
    String privateLink = api.get("/recordings/" + id(0) + "/url?privateAccess=true").json().get("url").asString();
    String privateSecret = privateLink.substring(privateLink.indexOf('=') + 1);
    assertThat(api.get(privateLink).status()).isEqualTo(200); // with the key
    Backend.Response anonymousPrivate = api.get(privateLink, "X-API-KEY", "");
    assertThat(anonymousPrivate.status()).isEqualTo(400);
    assertThat(anonymousPrivate.json().get("message").asString())
        .isEqualTo("Provided secret is not recognized for recording '" + id(0) + "'");
    assertThat(api.get("/recordings/" + id(0) + "/media?recordingSecret=wrongwrong", "X-API-KEY", "").status())
        .isEqualTo(400);
    assertThat(api.get("/recordings/" + id(0) + "?recordingSecret=wrongwrong").status()).isEqualTo(400);
    assertThat(api.get("/recordings/" + id(0) + "/media", "X-API-KEY", "").status()).isEqualTo(401);
    assertThat(privateSecret).hasSize(10);
    // a secret opens reads of its recording only, never other calls
    assertThat(api.delete("/recordings/" + id(0) + "?recordingSecret=" + privateSecret, "X-API-KEY", "").status())
        .isEqualTo(401);
  }
}
