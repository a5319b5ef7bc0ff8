package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.app.rooms.Room;
import dev.meet.app.rooms.RoomStore;
import dev.meet.core.RecordingEncoding;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/** Every rooms row of the API: create, get, list, delete with its policies, status from LiveKit, auto-deletion. */
class RoomsApiTest extends StackTest {


  static JsonNode create(String body) {
    Backend.Response response = api.post("/rooms", body);
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json();
  }

  @Test
  void aRoomIsCreatedWithDefaultsAndItsLiveKitRoom() {
    Backend.Response response = api.post("/rooms", "{}");
    assertThat(response.status()).isEqualTo(201);
    JsonNode room = response.json();
    String roomId = room.get("roomId").asString();
    assertThat(roomId).matches("room-[0-9a-f]{15}");
    assertThat(response.header("Location")).isEqualTo(api.api + "/rooms/" + roomId);
    assertThat(room.get("roomName").asString()).isEqualTo("Room");
    assertThat(room.get("status").asString()).isEqualTo("open");
    assertThat(room.get("creationDate").asLong()).isPositive();
    assertThat(room.get("config").get("recording").get("enabled").asBoolean()).isTrue();
    assertThat(room.get("config").get("recording").get("layout").asString()).isEqualTo("grid");
    assertThat(room.get("config").get("recording").get("encoding").asString()).isEqualTo("H264_720P_30");
    assertThat(room.get("config").get("e2ee").get("enabled").asBoolean()).isFalse();
    assertThat(room.get("moderatorUrl").asString()).startsWith(api.root + "/meet/room/" + roomId + "?secret=");
    assertThat(room.get("access").get("anonymous").get("speaker").get("url").asString())
        .isEqualTo(room.get("speakerUrl").asString());
    assertThat(stack.emulator.rooms()).anyMatch(r -> r.getName().equals(roomId));
    assertThat(api.get("/rooms/" + roomId).json()).isEqualTo(room);
  }

  @Test
  void theRoomIdIsASlugOfTheName() {
    JsonNode room = create("{\"roomName\":\"  Équipe  -- Réunion  #1 \"}");
    assertThat(room.get("roomName").asString()).isEqualTo("Équipe -- Réunion #1");
    assertThat(room.get("roomId").asString()).matches("equipe_reunion_1-[0-9a-f]{15}");
  }

  @Test
  void unknownFieldsOfRealClientsAreIgnoredAndKnownOnesHonoured() {
    JsonNode room = create("{\"roomName\":\"x\",\"config\":{\"chat\":{\"enabled\":true},\"virtualBackground\":{},"
        + "\"recording\":{\"enabled\":true,\"layout\":\"speaker\",\"allowAccessTo\":\"admin\",\"encoding\":"
        + "{\"video\":{\"width\":1280,\"height\":720,\"framerate\":30,\"codec\":\"H264_MAIN\",\"bitrate\":3000,"
        + "\"keyFrameInterval\":4,\"depth\":24},\"audio\":{\"codec\":\"OPUS\",\"bitrate\":128,\"frequency\":44100}}}},"
        + "\"extraFields\":[\"x\"]}");
    assertThat(room.get("config").get("recording").get("layout").asString()).isEqualTo("speaker");
    assertThat(room.get("config").get("recording").get("encoding").get("video").get("width").asInt()).isEqualTo(1280);
  }

  @Test
  void endToEndEncryptionDisablesRecording() {
    JsonNode room = create("{\"config\":{\"recording\":{\"enabled\":true},\"e2ee\":{\"enabled\":true}}}");
    assertThat(room.get("config").get("recording").get("enabled").asBoolean()).isFalse();
  }

  @Test
  void invalidOptionsAre422NamingTheFieldAndCreateNothing() {
    int before = stack.emulator.rooms().size();
    assertField(api.post("/rooms", "{\"roomName\":\"" + "x".repeat(51) + "\"}"), "roomName");
    assertField(api.post("/rooms", "{\"autoDeletionDate\":" + (System.currentTimeMillis() + 60_000) + "}"),
        "autoDeletionDate");
    assertField(api.post("/rooms", "{\"autoDeletionDate\":" + (System.currentTimeMillis() + 7_200_000)
        + ",\"autoDeletionPolicy\":{\"withMeeting\":\"fail\"}}"), "autoDeletionPolicy.withMeeting");
    assertField(api.post("/rooms", "{\"config\":{\"recording\":{\"layout\":\"mosaic\"}}}"), "config.recording.layout");
    assertField(api.post("/rooms", "{\"config\":{\"recording\":{\"encoding\":\"H265_8K\"}}}"),
        "config.recording.encoding");
    assertField(api.post("/rooms", "{\"config\":{\"recording\":{\"encoding\":{\"video\":{\"width\":1}}}}}"),
        "config.recording.encoding");
    assertField(api.post("/rooms", "{\"autoDeletionPolicy\":{\"withRecordings\":\"maybe\"}}"),
        "autoDeletionPolicy.withRecordings");
    assertField(api.post("/rooms", "{\"roomName\":{\"a\":1}}"), "roomName");
    assertThat(stack.emulator.rooms()).hasSize(before);
  }

  static void assertField(Backend.Response response, String field) {
    assertThat(response.status()).as(response.toString()).isEqualTo(422);
    assertThat(response.json().get("details").get(0).get("field").asString()).as(response.toString())
        .isEqualTo(field);
  }

  @Test
  void anUnknownRoomIs404WithOpenViduMeetsMessage() {
    Backend.Response response = api.get("/rooms/nothing-here");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.text()).isEqualTo("{\"error\":\"Room Error\",\"message\":\"Room 'nothing-here' does not exist\"}");
    assertThat(api.delete("/rooms/nothing-here").status()).isEqualTo(404);
  }

  @Test
  void roomsAreListedAPageAtATime() {
    for (int i = 0; i < 3; i++) {
      create("{}");
    }
    Set<String> seen = new HashSet<>();
    String token = null;
    int pages = 0;
    do {
      JsonNode page = api.get("/rooms?maxItems=2" + (token == null ? "" : "&nextPageToken=" + token)).json();
      assertThat(page.get("rooms").size()).isLessThanOrEqualTo(2);
      assertThat(page.get("pagination").get("maxItems").asInt()).isEqualTo(2);
      for (int i = 0; i < page.get("rooms").size(); i++) {
        assertThat(seen.add(page.get("rooms").get(i).get("roomId").asString())).isTrue();
      }
      token = page.get("pagination").get("isTruncated").asBoolean()
          ? page.get("pagination").get("nextPageToken").asString() : null;
      pages++;
    } while (token != null);
    assertThat(seen.size()).isGreaterThanOrEqualTo(3);
    assertThat(pages).isGreaterThanOrEqualTo(2);
    assertField(api.get("/rooms?nextPageToken=%25%25"), "nextPageToken");
    assertField(api.get("/rooms?maxItems=0"), "maxItems");
  }

  @Test
  void theStatusFollowsTheMeeting() {
    String roomId = create("{}").get("roomId").asString();
    stack.emulator.addParticipant(roomId, "alice", true);
    awaitRoomStatus(roomId, "active_meeting");
    stack.emulator.closeRoom(roomId);
    awaitRoomStatus(roomId, "open");
  }

  static void awaitRoomStatus(String roomId, String status) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(api.get("/rooms/" + roomId).json().get("status").asString()).isEqualTo(status));
  }

  // ------------------------------------------------------------------------------------------ delete

  @Test
  void anIdleRoomWithoutRecordingsIsDeleted() {
    String roomId = create("{}").get("roomId").asString();
    Backend.Response response = api.delete("/rooms/" + roomId);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).isEqualTo("{\"successCode\":\"room_deleted\",\"message\":\"Room '" + roomId
        + "' deleted successfully\"}");
    assertThat(api.get("/rooms/" + roomId).status()).isEqualTo(404);
  }

  @Test
  void anActiveMeetingFailsTheDefaultPolicyAndForceEndsIt() {
    String roomId = stack.roomWithParticipant("meeting");
    awaitRoomStatus(roomId, "active_meeting");
    Backend.Response refused = api.delete("/rooms/" + roomId);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("error").asString()).isEqualTo("room_has_active_meeting");
    assertThat(api.get("/rooms/" + roomId).status()).isEqualTo(200);

    Backend.Response forced = api.delete("/rooms/" + roomId + "?withMeeting=force&withRecordings=force");
    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.json().get("successCode").asString()).isEqualTo("room_with_active_meeting_deleted");
    assertThat(api.get("/rooms/" + roomId).status()).isEqualTo(404);
    assertThat(stack.emulator.rooms()).noneMatch(r -> r.getName().equals(roomId));
  }

  @Test
  void whenMeetingEndsSchedulesTheDeletionWith202() {
    String roomId = stack.roomWithParticipant("later");
    awaitRoomStatus(roomId, "active_meeting");
    Backend.Response scheduled = api.delete("/rooms/" + roomId + "?withMeeting=when_meeting_ends");
    assertThat(scheduled.status()).isEqualTo(202);
    assertThat(scheduled.json().get("successCode").asString())
        .isEqualTo("room_with_active_meeting_scheduled_to_be_deleted");
    assertThat(scheduled.json().get("room").get("meetingEndAction").asString()).isEqualTo("delete");
    assertThat(api.get("/rooms/" + roomId).status()).isEqualTo(200);
    stack.emulator.closeRoom(roomId);
    await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/rooms/" + roomId).status() == 404);
  }

  @Test
  void recordingsFailTheDefaultPolicyCloseKeepsThemAndForceDeletesThem() {
    String recordingId = stack.completedRecording("with recordings");
    String roomId = recordingId.substring(0, recordingId.indexOf("--"));
    stack.emulator.closeRoom(roomId);
    awaitRoomStatus(roomId, "open");

    Backend.Response refused = api.delete("/rooms/" + roomId);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("error").asString()).isEqualTo("room_has_recordings");
    assertThat(refused.json().get("message").asString())
        .isEqualTo("Room '" + roomId + "' cannot be deleted because it has recordings.");

    Backend.Response closed = api.delete("/rooms/" + roomId + "?withRecordings=close");
    assertThat(closed.status()).isEqualTo(200);
    assertThat(closed.json().get("successCode").asString()).isEqualTo("room_closed");
    assertThat(closed.json().get("room").get("status").asString()).isEqualTo("closed");
    assertThat(api.get("/recordings/" + recordingId).status()).isEqualTo(200);

    Backend.Response forced = api.delete("/rooms/" + roomId + "?withRecordings=force");
    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.json().get("successCode").asString()).isEqualTo("room_and_recordings_deleted");
    assertThat(api.get("/recordings/" + recordingId).status()).isEqualTo(404);
    assertThat(api.get("/rooms/" + roomId).status()).isEqualTo(404);
  }

  @Test
  void aMeetingWithRecordingsAnswersOpenViduMeetsCodesAndCanBeClosedWhenItEnds() {
    String recordingId = stack.completedRecording("meeting with recordings"); // alice is still in the meeting
    String roomId = recordingId.substring(0, recordingId.indexOf("--"));
    awaitRoomStatus(roomId, "active_meeting");
    Map<String, String> refusals = Map.of(
        "", "room_with_recordings_has_active_meeting",
        "?withMeeting=force", "room_with_active_meeting_has_recordings",
        "?withMeeting=when_meeting_ends", "room_with_active_meeting_has_recordings_cannot_schedule_deletion");
    refusals.forEach((query, code) -> {
      Backend.Response refused = api.delete("/rooms/" + roomId + query);
      assertThat(refused.status()).as(query).isEqualTo(409);
      assertThat(refused.json().get("error").asString()).as(query).isEqualTo(code);
    });
    Backend.Response scheduled = api.delete("/rooms/" + roomId + "?withMeeting=when_meeting_ends&withRecordings=close");
    assertThat(scheduled.status()).isEqualTo(202);
    assertThat(scheduled.json().get("successCode").asString())
        .isEqualTo("room_with_active_meeting_scheduled_to_be_closed");
    stack.emulator.closeRoom(roomId);
    awaitRoomStatus(roomId, "closed");
    assertThat(api.get("/recordings/" + recordingId).status()).isEqualTo(200);
  }

  @Test
  void forceEndingAMeetingWhoseRecordingsAreKeptClosesTheRoom() {
    String recordingId = stack.completedRecording("closed meeting"); // alice is still in the meeting
    String roomId = recordingId.substring(0, recordingId.indexOf("--"));
    awaitRoomStatus(roomId, "active_meeting");

    Backend.Response closed = api.delete("/rooms/" + roomId + "?withMeeting=force&withRecordings=close");

    assertThat(closed.status()).isEqualTo(200);
    assertThat(closed.json().get("successCode").asString()).isEqualTo("room_with_active_meeting_closed");
    assertThat(closed.json().get("message").asString()).isEqualTo("Room '" + roomId
        + "' with active meeting has been closed instead of deleted because it has recordings");
    assertThat(closed.json().get("room").get("status").asString()).isEqualTo("closed");
    assertThat(stack.emulator.rooms()).as("the meeting ended for everyone").noneMatch(r -> r.getName().equals(roomId));
    assertThat(api.get("/rooms/" + roomId).json().get("status").asString()).isEqualTo("closed");
    assertThat(api.get("/recordings/" + recordingId).status()).isEqualTo(200);
  }

  @Test
  void aMeetingWithRecordingsScheduledToBeDeletedTakesThemWhenItEnds() {
    String recordingId = stack.completedRecording("deleted later"); // alice is still in the meeting
    String roomId = recordingId.substring(0, recordingId.indexOf("--"));
    awaitRoomStatus(roomId, "active_meeting");

    Backend.Response scheduled = api.delete("/rooms/" + roomId + "?withMeeting=when_meeting_ends&withRecordings=force");

    assertThat(scheduled.status()).isEqualTo(202);
    assertThat(scheduled.json().get("successCode").asString())
        .isEqualTo("room_with_active_meeting_and_recordings_scheduled_to_be_deleted");
    assertThat(scheduled.json().get("message").asString()).isEqualTo("Room '" + roomId
        + "' with active meeting and its recordings scheduled to be deleted when the meeting ends");
    assertThat(scheduled.json().get("room").get("meetingEndAction").asString()).isEqualTo("delete");
    assertThat(api.get("/recordings/" + recordingId).status()).as("kept until the meeting ends").isEqualTo(200);

    stack.emulator.closeRoom(roomId);
    await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/rooms/" + roomId).status() == 404);
    await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/recordings/" + recordingId).status() == 404);
  }

  @Test
  void forceDeletingARoomWhileRecordingStopsAndLaterDeletesTheRecording() {
    String roomId = stack.roomWithParticipant("recording now");
    String recordingId = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}").json().get("recordingId")
        .asString();
    Backend.Response forced = api.delete("/rooms/" + roomId + "?withMeeting=force&withRecordings=force");
    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.json().get("successCode").asString())
        .isEqualTo("room_with_active_meeting_and_recordings_deleted");
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/recordings/" + recordingId).status() == 404);
  }

  @Test
  void invalidPoliciesAre422() {
    String roomId = create("{}").get("roomId").asString();
    assertField(api.delete("/rooms/" + roomId + "?withMeeting=later"), "withMeeting");
    assertField(api.delete("/rooms/" + roomId + "?withRecordings=keep"), "withRecordings");
    assertThat(api.get("/rooms/" + roomId).status()).isEqualTo(200);
  }

  @Test
  void theCollectorDeletesRoomsPastTheirAutoDeletionDate() {
    RoomStore store = api.bean(RoomStore.class);
    String roomId = "expired-" + Long.toHexString(System.nanoTime());
    Room expired = new Room(roomId, "expired", System.currentTimeMillis() - 10_000,
        System.currentTimeMillis() - 1_000, Room.AutoDeletionPolicy.defaults(),
        new Room.Config(new Room.RecordingConfig(true, "grid", RecordingEncoding.DEFAULT), new Room.E2ee(false)),
        Room.Status.OPEN, Room.MeetingEndAction.NONE, "m", "s");
    assertThat(store.create(expired)).isTrue();
    String kept = create("{\"autoDeletionDate\":" + (System.currentTimeMillis() + 7_200_000) + "}").get("roomId")
        .asString();
    await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/rooms/" + roomId).status() == 404);
    assertThat(api.get("/rooms/" + kept).status()).isEqualTo(200);
  }

  @Test
  void roomsLiveInTheBucketAtTheSeedLayout() {
    String roomId = create("{}").get("roomId").asString();
    try (S3Client client = stack.s3Client()) {
      String json = client.getObjectAsBytes(b -> b.bucket(stack.s3.bucket())
          .key("openvidu-meet/rooms/" + roomId + "/" + roomId + ".json")).asUtf8String();
      assertThat(json).contains("\"roomId\":\"" + roomId + "\"");
    }
  }
}
