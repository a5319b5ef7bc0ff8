package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rooms that close by themselves after LiveKit's empty and departure timeouts, and the egress's recorder
 * participant, as the LiveKit SDK and a webhook receiver see them.
 */
class LiveKitEmulatorRoomLifecycleTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path output;
  private WebhookSink sink;
  private LiveKitEmulator livekit;
  private RoomServiceClient rooms;
  private EgressServiceClient egress;

  @BeforeEach
  void start() throws IOException {
    sink = new WebhookSink("devkey", "secret");
    livekit = TestEmulators.fast(sink, output)
        .emptyTimeout(Duration.ofSeconds(30))
        .departureTimeout(Duration.ofMillis(300))
        .build()
        .start();
    rooms = RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
  }

  @AfterEach
  void stop() {
    livekit.close();
    sink.close();
  }

  // ------------------------------------------------------------------ timeouts

  @Test
  void theDefaultTimeoutsAreLiveKitsOwn() {
    try (LiveKitEmulator defaults = LiveKitEmulator.builder().outputDirectory(output).build()) {
      assertThat(defaults.emptyTimeout()).isEqualTo(Duration.ofSeconds(300));
      assertThat(defaults.departureTimeout()).isEqualTo(Duration.ofSeconds(20));
      assertThat(defaults.egressRetention()).isEqualTo(Duration.ofHours(24));
      assertThat(defaults.createRoom("room-a").getEmptyTimeout()).isEqualTo(300);
      assertThat(defaults.rooms().get(0).getDepartureTimeout()).isEqualTo(20);
    }
  }

  @Test
  void aRoomNobodyJoinedClosesAfterTheEmptyTimeout() throws Exception {
    livekit.roomTimeouts(Duration.ofMillis(200), Duration.ofSeconds(30));

    Room created = rooms.createRoom("room-a").execute().body();

    WebhookEvent finished = sink.await(e -> e.getEvent().equals("room_finished"), WAIT);
    assertThat(finished.getRoom().getSid()).isEqualTo(created.getSid());
    assertThat(rooms.listRooms().execute().body()).isEmpty();
  }

  @Test
  void theEmptyTimeoutGivenToCreateRoomWinsOverTheDefault() throws Exception {
    Room created = rooms.createRoom("room-a", 1)
        .execute().body();

    assertThat(created.getEmptyTimeout()).isEqualTo(1);
    assertThat(sink.await(e -> e.getEvent().equals("room_finished"), WAIT).getRoom().getName()).isEqualTo("room-a");
  }

  @Test
  void aRoomClosesAfterTheDepartureTimeoutOnceTheLastParticipantLeftEndingItsEgress() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.addParticipant("room-a", "bob", false);
    String id = startIn("room-a");
    awaitActive(id);

    livekit.removeParticipant("room-a", "alice");
    livekit.removeParticipant("room-a", "bob");

    EgressInfo ended = sink.await("egress_ended", id, WAIT).getEgressInfo();
    livekit.awaitWebhooksIdle(WAIT);
    assertThat(sink.events()).contains("room_finished");
    assertThat(ended.getStatus()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(ended.getDetails()).isEqualTo("End reason: Source closed");
    assertThat(rooms.listRooms().execute().body()).isEmpty();
  }

  @Test
  void aParticipantWhoComesBackWithinTheDepartureTimeoutKeepsTheRoomOpen() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.removeParticipant("room-a", "alice");

    livekit.addParticipant("room-a", "alice", true);

    await().during(Duration.ofMillis(800)).atMost(WAIT)
        .until(() -> livekit.rooms().stream().anyMatch(r -> r.getName().equals("room-a")));
    assertThat(sink.events()).doesNotContain("room_finished");
  }

  @Test
  void newTimeoutsApplyToRoomsOpenedAfterwardsOnly() throws Exception {
    livekit.addParticipant("room-old", "alice", false);

    livekit.roomTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30));
    livekit.addParticipant("room-new", "bob", false);
    livekit.removeParticipant("room-new", "bob");
    livekit.removeParticipant("room-old", "alice");

    assertThat(sink.await(e -> e.getEvent().equals("room_finished"), WAIT).getRoom().getName()).isEqualTo("room-old");
    assertThat(livekit.rooms()).extracting(Room::getName).containsExactly("room-new");
    assertThat(livekit.rooms().get(0).getDepartureTimeout()).isEqualTo(30);
  }

  @Test
  void aNegativeTimeoutIsRejectedNamingIt() {
    assertThatThrownBy(() -> livekit.roomTimeouts(Duration.ofSeconds(1), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("departureTimeout");
    assertThat(livekit.departureTimeout()).isEqualTo(Duration.ofMillis(300));
  }

  // ------------------------------------------------------------------ the control API

  @Test
  void theControlApiShowsAndChangesTheTimeouts() throws Exception {
    HttpResponse<String> response = control("PUT", "/emulator/settings",
        "{\"emptyTimeoutMillis\":150,\"departureTimeoutMillis\":2000}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode shown = MAPPER.readTree(response.body());
    assertThat(shown.path("emptyTimeoutMillis").asLong()).isEqualTo(150);
    assertThat(shown.path("departureTimeoutMillis").asLong()).isEqualTo(2000);
    assertThat(shown.path("egressRetentionMillis").asLong()).isEqualTo(Duration.ofHours(24).toMillis());
    rooms.createRoom("room-a").execute();
    assertThat(sink.await(e -> e.getEvent().equals("room_finished"), WAIT).getRoom().getName()).isEqualTo("room-a");
    assertThat(MAPPER.readTree(control("GET", "/emulator/settings", null).body()).path("emptyTimeoutMillis").asLong())
        .isEqualTo(150);
  }

  @Test
  void aBadSettingIsABadRequestNamingItAndChangesNothing() throws Exception {
    HttpResponse<String> negative = control("PUT", "/emulator/settings",
        "{\"emptyTimeoutMillis\":150,\"departureTimeoutMillis\":-1}");
    HttpResponse<String> unknown = control("PUT", "/emulator/settings", "{\"emptyTimeout\":150}");

    assertThat(negative.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(negative.body()).path("msg").asText()).contains("departureTimeoutMillis");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(unknown.body()).path("msg").asText()).contains("unknown setting: emptyTimeout");
    assertThat(livekit.emptyTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  // ------------------------------------------------------------------ the recorder participant

  @Test
  void theEgressJoinsItsRoomAsAHiddenRecorderOfKindEgress() throws Exception {
    livekit.addParticipant("room-a", "alice", true);

    String id = startIn("room-a");

    List<ParticipantInfo> participants = rooms.listParticipants("room-a").execute().body();
    assertThat(participants).extracting(ParticipantInfo::getIdentity).containsExactly("alice", id);
    ParticipantInfo recorder = participants.get(1);
    assertThat(recorder.getKind()).isEqualTo(ParticipantInfo.Kind.EGRESS);
    assertThat(recorder.getPermission().getRecorder()).isTrue();
    assertThat(recorder.getPermission().getHidden()).isTrue();
    assertThat(recorder.getPermission().getCanPublish()).isFalse();
    assertThat(recorder.getIsPublisher()).isFalse();
    WebhookEvent joined = sink.await(e -> e.getEvent().equals("participant_joined")
        && e.getParticipant().getIdentity().equals(id), WAIT);
    assertThat(joined.getParticipant().getKind()).isEqualTo(ParticipantInfo.Kind.EGRESS);
    Room room = rooms.listRooms(List.of("room-a")).execute().body().get(0);
    assertThat(room.getNumParticipants()).as("egresses are not counted").isEqualTo(1);
  }

  @Test
  void theRecorderLeavesWhenItsEgressEnds() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    String id = startIn("room-a");
    awaitActive(id);

    egress.stopEgress(id).execute();

    WebhookEvent left = sink.await(e -> e.getEvent().equals("participant_left")
        && e.getParticipant().getIdentity().equals(id), WAIT);
    assertThat(left.getRoom().getName()).isEqualTo("room-a");
    assertThat(livekit.egress(id).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(rooms.listParticipants("room-a").execute().body()).extracting(ParticipantInfo::getIdentity)
        .containsExactly("alice");
  }

  @Test
  void aRecorderAloneDoesNotKeepTheRoomOpen() throws Exception {
    livekit.addParticipant("room-a", "alice", false);
    String id = startIn("room-a");

    livekit.removeParticipant("room-a", "alice");

    sink.await(e -> e.getEvent().equals("room_finished"), WAIT);
    assertThat(livekit.egress(id).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_ABORTED);
  }

  // ------------------------------------------------------------------ helpers

  private String startIn(String room) throws IOException {
    EncodedFileOutput file =
        EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setFilepath(room + ".mp4").build();
    var response = egress.startRoomCompositeEgress(room, file).execute();
    assertThat(response.isSuccessful()).as("start: %s", response).isTrue();
    return response.body().getEgressId();
  }

  private void awaitActive(String egressId) throws InterruptedException {
    sink.await(e -> e.getEvent().equals("egress_updated")
        && e.getEgressInfo().getEgressId().equals(egressId)
        && e.getEgressInfo().getStatus() == EgressStatus.EGRESS_ACTIVE, WAIT);
  }

  private HttpResponse<String> control(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(livekit.url() + path));
    request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
