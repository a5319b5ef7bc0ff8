package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import retrofit2.Response;

/** Each fault switch, seen end to end as the LiveKit SDK and a webhook receiver using the SDK see it. */
class LiveKitEmulatorFaultsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path output;
  private WebhookSink sink;
  private LiveKitEmulator livekit;
  private EgressServiceClient egress;
  private RoomServiceClient rooms;

  @BeforeEach
  void start() throws IOException {
    sink = new WebhookSink("devkey", "secret");
    livekit = TestEmulators.fast(sink, output).startSignalTimeout(Duration.ofMillis(500))
        .build()
        .start();
    egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    rooms = RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
  }

  @AfterEach
  void stop() {
    livekit.close();
    sink.close();
  }

  // ------------------------------------------------------------------ egress API faults

  @Test
  void notEnoughCpuMakesStartAnswer503AndCreatesNothing() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.faults().startEgressNotEnoughCpu(true);

    Response<EgressInfo> response = egress.startRoomCompositeEgress("room-a", file("room-a")).execute();

    assertThat(response.code()).isEqualTo(503);
    JsonNode error = MAPPER.readTree(response.errorBody().string());
    assertThat(error.path("code").asText()).isEqualTo("unavailable");
    assertThat(error.path("msg").asText()).isEqualTo("not enough CPU");
    assertThat(livekit.egresses()).isEmpty();
    livekit.awaitWebhooksIdle(WAIT);
    assertThat(sink.events()).doesNotContain("egress_started");
  }

  @Test
  void stopUnavailableMakesStopAnswer503AndLeavesTheEgressRunning() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    String id = startIn("room-a");
    awaitActive(id);
    livekit.faults().stopEgressUnavailable(true);

    Response<EgressInfo> response = egress.stopEgress(id).execute();

    assertThat(response.code()).isEqualTo(503);
    JsonNode error = MAPPER.readTree(response.errorBody().string());
    assertThat(error.path("code").asText()).isEqualTo("unavailable");
    assertThat(error.path("msg").asText()).isEqualTo("no response from servers");
    assertThat(livekit.egress(id).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_ACTIVE);
  }

  @Test
  void anEgressStuckInStartingNeverBecomesActiveAndAbortsWithoutAStartSignal() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.faults().egressStuckInStarting(true);

    String id = startIn("room-a");

    WebhookEvent ended = sink.await("egress_ended", id, WAIT);
    assertThat(ended.getEgressInfo().getStatus()).isEqualTo(EgressStatus.EGRESS_ABORTED);
    assertThat(ended.getEgressInfo().getError()).isEqualTo("Start signal not received");
    assertThat(egressStatuses(id)).containsExactly(EgressStatus.EGRESS_STARTING, EgressStatus.EGRESS_ABORTED);
  }

  @Test
  void repeatedEgressUpdatesArriveTwiceWithTheSameStatusAndANewerUpdatedAt() throws Exception {
    livekit.faults().repeatEgressUpdates(true);
    livekit.addParticipant("room-a", "alice", true);
    String id = startIn("room-a");
    awaitActive(id);

    egress.stopEgress(id).execute();
    sink.await("egress_ended", id, WAIT);

    List<WebhookEvent> updates = sink.all().stream()
        .filter(r -> r.event() != null && r.event().getEvent().equals("egress_updated"))
        .map(WebhookSink.Received::event)
        .toList();
    assertThat(updates).extracting(e -> e.getEgressInfo().getStatus()).containsExactly(
        EgressStatus.EGRESS_ACTIVE, EgressStatus.EGRESS_ACTIVE, EgressStatus.EGRESS_ENDING, EgressStatus.EGRESS_ENDING);
    assertThat(updates.get(1).getEgressInfo().getUpdatedAt()).isGreaterThan(updates.get(0).getEgressInfo().getUpdatedAt());
    assertThat(updates.get(3).getEgressInfo().getUpdatedAt()).isGreaterThan(updates.get(2).getEgressInfo().getUpdatedAt());
    assertThat(updates).extracting(WebhookEvent::getId).doesNotHaveDuplicates();
  }

  // ------------------------------------------------------------------ webhook faults

  @Test
  void duplicatedWebhooksArriveTwiceWithTheSameBytesAndId() throws Exception {
    livekit.faults().duplicateWebhooks(true);

    livekit.addParticipant("room-a", "alice", false);
    livekit.awaitWebhooksIdle(WAIT);

    assertThat(sink.events())
        .containsExactly("room_started", "room_started", "participant_joined", "participant_joined");
    Map<String, List<WebhookSink.Received>> byId = sink.all().stream()
        .collect(Collectors.groupingBy(r -> r.event().getId()));
    assertThat(byId).hasSize(2).allSatisfy((id, copies) -> {
      assertThat(copies).hasSize(2);
      assertThat(copies.get(0).body()).isEqualTo(copies.get(1).body());
    });
  }

  @Test
  void aDroppedEventIsNeverSentWhileTheOthersAre() throws Exception {
    livekit.faults().dropEvent("egress_ended");
    livekit.addParticipant("room-a", "alice", true);
    String id = startIn("room-a");
    awaitActive(id);

    livekit.forceEgressStatus(id, EgressStatus.EGRESS_FAILED);
    livekit.awaitWebhooksIdle(WAIT);

    assertThat(livekit.egress(id).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(sink.events()).contains("room_started", "participant_joined", "egress_started", "egress_updated")
        .doesNotContain("egress_ended");
  }

  @Test
  void aDelayedEventIsOvertakenByTheEventsAfterIt() throws Exception {
    livekit.faults().delayEvent("egress_started", Duration.ofMillis(500));
    livekit.addParticipant("room-a", "alice", true);

    String id = startIn("room-a");

    sink.await("egress_started", id, WAIT);
    assertThat(egressEvents(id)).containsExactly("egress_updated:EGRESS_ACTIVE", "egress_started:EGRESS_STARTING");
  }

  @ParameterizedTest
  @EnumSource(value = WebhookTokenFault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void aCorruptedWebhookTokenIsRejectedByTheSdksWebhookReceiver(WebhookTokenFault fault) throws Exception {
    livekit.faults().webhookToken(fault);

    livekit.createRoom("room-a");

    WebhookSink.Received received = sink.next(WAIT);
    assertThat(received.event()).isNull();
    assertThat(received.rejection()).isNotNull();
  }

  @Test
  void turningTheTokenFaultOffSignsWebhooksCorrectlyAgain() throws Exception {
    livekit.faults().webhookToken(WebhookTokenFault.BAD_SIGNATURE);
    livekit.createRoom("room-a");
    assertThat(sink.next(WAIT).rejection()).isNotNull();

    livekit.faults().webhookToken(WebhookTokenFault.NONE);
    livekit.createRoom("room-b");

    assertThat(sink.next(WAIT).event()).isNotNull();
  }

  // ------------------------------------------------------------------ outage

  @Test
  void duringAnOutageSdkCallsFailToConnect() throws Exception {
    livekit.startOutage();

    assertThatThrownBy(() -> rooms.listRooms().execute()).isInstanceOf(ConnectException.class);
    assertThat(livekit.isDown()).isTrue();
  }

  @Test
  void afterAnOutageCallsWorkAgainWithTheStateKept() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    assertThat(rooms.listRooms().execute().isSuccessful()).isTrue();
    livekit.startOutage();
    assertThatThrownBy(() -> rooms.listRooms().execute()).isInstanceOf(IOException.class);

    livekit.endOutage();

    List<Room> after = rooms.listRooms().execute().body();
    assertThat(after).singleElement().satisfies(room -> {
      assertThat(room.getName()).isEqualTo("room-a");
      assertThat(room.getNumParticipants()).isEqualTo(1);
    });
  }

  // ------------------------------------------------------------------ request counters

  @Test
  void requestCountersCountTheCallsPerMethod() throws Exception {
    rooms.listRooms().execute();
    rooms.listRooms().execute();
    rooms.listRooms().execute();
    rooms.createRoom("room-a").execute();

    assertThat(livekit.requestCount("RoomService/ListRooms")).isEqualTo(3);
    assertThat(livekit.requestCount("RoomService/CreateRoom")).isEqualTo(1);
    assertThat(livekit.requestCount("Egress/StopEgress")).isZero();
  }

  @Test
  void resettingTheRequestCountersStartsAgainFromZero() throws Exception {
    rooms.listRooms().execute();

    livekit.resetRequestCounts();
    rooms.listRooms().execute();

    assertThat(livekit.requestCount("RoomService/ListRooms")).isEqualTo(1);
  }

  // ------------------------------------------------------------------ helpers

  private static EncodedFileOutput file(String room) {
    return EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setFilepath(room + ".mp4").build();
  }

  private String startIn(String room) throws IOException {
    Response<EgressInfo> response = egress.startRoomCompositeEgress(room, file(room)).execute();
    assertThat(response.isSuccessful()).as("start: %s", response).isTrue();
    return response.body().getEgressId();
  }

  private void awaitActive(String egressId) throws InterruptedException {
    sink.await(e -> e.getEvent().equals("egress_updated")
        && e.getEgressInfo().getEgressId().equals(egressId)
        && e.getEgressInfo().getStatus() == EgressStatus.EGRESS_ACTIVE, WAIT);
  }

  /** The verified egress events of one egress received so far, as {@code event:status}. */
  private List<String> egressEvents(String egressId) {
    return sink.all().stream()
        .filter(r -> r.event() != null && r.event().getEgressInfo().getEgressId().equals(egressId))
        .map(r -> r.event().getEvent() + ":" + r.event().getEgressInfo().getStatus())
        .toList();
  }

  private List<EgressStatus> egressStatuses(String egressId) {
    return sink.all().stream()
        .filter(r -> r.event() != null && r.event().getEgressInfo().getEgressId().equals(egressId))
        .map(r -> r.event().getEgressInfo().getStatus())
        .toList();
  }
}
