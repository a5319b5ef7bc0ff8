package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import retrofit2.Response;

/** A LiveKit restart that loses its state, and the expiry of ended egress info, as the LiveKit SDK sees them. */
class LiveKitEmulatorRestartTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path output;
  private WebhookSink sink;
  private LiveKitEmulator livekit;
  private RoomServiceClient rooms;
  private EgressServiceClient egress;

  @BeforeEach
  void start() throws IOException {
    sink = new WebhookSink("devkey", "secret");
    // Ending takes long enough for a restart right after a stop to come first.
    livekit = TestEmulators.fast(sink, output).endingDelay(Duration.ofMillis(500)).build().start();
    rooms = RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
  }

  @AfterEach
  void stop() {
    livekit.close();
    sink.close();
  }

  // ------------------------------------------------------------------ restart

  @Test
  void aRestartForgetsEveryRoomAndEgress() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    String id = startIn("room-a");
    awaitActive(id);

    livekit.restart();

    assertThat(rooms.listRooms().execute().body()).isEmpty();
    assertThat(egress.listEgress().execute().body()).isEmpty();
    Response<EgressInfo> stop = egress.stopEgress(id).execute();
    assertThat(stop.code()).isEqualTo(404);
    assertThat(stop.errorBody().string()).contains("egress does not exist");
  }

  @Test
  void anEgressForgottenByARestartNeverEndsNorWritesItsFile() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    String id = startIn("room-a");
    awaitActive(id);
    egress.stopEgress(id).execute();

    livekit.restart();

    livekit.addParticipant("room-b", "bob", false);
    sink.await(e -> e.getEvent().equals("participant_joined") && e.getRoom().getName().equals("room-b"), WAIT);
    livekit.awaitWebhooksIdle(WAIT);
    assertThat(sink.all()).noneMatch(r -> r.event() != null && r.event().getEvent().equals("egress_ended"));
    assertThat(output.resolve("room-a.mp4")).doesNotExist();
  }

  @Test
  void theControlApiRestartsAfterADowntimeOfRefusedConnections() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(livekit.url() + "/emulator/restart"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"millis\":300}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    await().atMost(WAIT).until(() -> !livekit.isDown());
    assertThat(rooms.listRooms().execute().body()).isEmpty();
  }

  @Test
  void aRestartWithANegativeDowntimeIsABadRequest() throws Exception {
    livekit.addParticipant("room-a", "alice", true);

    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(livekit.url() + "/emulator/restart"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"millis\":-1}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("millis");
    assertThat(livekit.rooms()).hasSize(1);
  }

  // ------------------------------------------------------------------ expiry of ended egresses

  @Test
  void anEndedEgressIsForgottenAfterTheRetention() throws Exception {
    livekit.egressRetention(Duration.ZERO);
    livekit.addParticipant("room-a", "alice", true);
    String id = startIn("room-a");
    awaitActive(id);
    assertThat(egress.listEgress(null, id).execute().body()).as("running: kept").hasSize(1);

    egress.stopEgress(id).execute();
    sink.await("egress_ended", id, WAIT);

    assertThat(egress.listEgress(null, id).execute().code()).isEqualTo(404);
    assertThat(egress.listEgress("room-a").execute().body()).isEmpty();
    assertThat(egress.stopEgress(id).execute().code()).isEqualTo(404);
  }

  @Test
  void anEndedEgressIsListedWithinTheRetention() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    String id = startIn("room-a");
    awaitActive(id);

    egress.stopEgress(id).execute();
    sink.await("egress_ended", id, WAIT);

    assertThat(egress.listEgress(null, id).execute().body()).singleElement()
        .extracting(EgressInfo::getStatus).isEqualTo(EgressStatus.EGRESS_COMPLETE);
  }

  @Test
  void aNegativeRetentionIsRejected() {
    assertThatThrownBy(() -> livekit.egressRetention(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("egressRetention");
  }

  private String startIn(String room) throws IOException {
    EncodedFileOutput file =
        EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setFilepath(room + ".mp4").build();
    Response<EgressInfo> response = egress.startRoomCompositeEgress(room, file).execute();
    assertThat(response.isSuccessful()).as("start: %s", response).isTrue();
    return response.body().getEgressId();
  }

  private void awaitActive(String egressId) throws InterruptedException {
    sink.await(e -> e.getEvent().equals("egress_updated")
        && e.getEgressInfo().getEgressId().equals(egressId)
        && e.getEgressInfo().getStatus() == EgressStatus.EGRESS_ACTIVE, WAIT);
  }
}
