package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import retrofit2.Response;

/**
 * Latency and lost answers on single Twirp methods, as a caller using the LiveKit SDK with a read timeout sees them:
 * the faults a recording backend needs to provoke its races with LiveKit.
 */
class LiveKitEmulatorCallFaultsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration CLIENT_TIMEOUT = Duration.ofMillis(300);
  private static final String START = "Egress/StartRoomCompositeEgress";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path output;
  private WebhookSink sink;
  private LiveKitEmulator livekit;
  private EgressServiceClient egress;
  private RoomServiceClient rooms;
  private EgressServiceClient impatientEgress;
  private RoomServiceClient impatientRooms;

  @BeforeEach
  void start() throws IOException {
    sink = new WebhookSink("devkey", "secret");
    livekit = TestEmulators.fast(sink, output).build().start();
    egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    rooms = RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    OkHttpClient impatient = new OkHttpClient.Builder().readTimeout(CLIENT_TIMEOUT).build();
    impatientEgress =
        EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret(), () -> impatient);
    impatientRooms =
        RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret(), () -> impatient);
  }

  @AfterEach
  void stop() {
    livekit.close();
    sink.close();
  }

  // ------------------------------------------------------------------ latency

  @Test
  void aDelayedRequestIsAppliedOnlyAfterTheCallerGaveUp() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.faults().delayRequest(START, Duration.ofSeconds(2));

    assertThatThrownBy(() -> impatientEgress.startRoomCompositeEgress("room-a", file()).execute())
        .isInstanceOf(InterruptedIOException.class);
    assertThat(livekit.egresses()).as("not applied yet").isEmpty();

    await().atMost(WAIT).until(() -> livekit.egresses().size() == 1);
    assertThat(livekit.egresses().get(0).getRoomName()).isEqualTo("room-a");
  }

  @Test
  void aDelayedAnswerComesAfterTheCallWasApplied() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.faults().delayAnswer(START, Duration.ofSeconds(2));

    assertThatThrownBy(() -> impatientEgress.startRoomCompositeEgress("room-a", file()).execute())
        .isInstanceOf(InterruptedIOException.class);

    assertThat(livekit.egresses()).as("applied before the answer").singleElement()
        .satisfies(e -> assertThat(e.getRoomName()).isEqualTo("room-a"));
  }

  @Test
  void aDelayedAnswerStillCarriesTheResultToAPatientCaller() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.faults().delayAnswer(START, Duration.ofMillis(200));
    long before = System.nanoTime();

    Response<EgressInfo> response = egress.startRoomCompositeEgress("room-a", file()).execute();

    assertThat(response.isSuccessful()).isTrue();
    assertThat(response.body().getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void aDelayForEveryMethodSlowsRoomServiceCallsToo() throws Exception {
    livekit.faults().delayAnswer(Faults.ANY_METHOD, Duration.ofSeconds(2));

    assertThatThrownBy(() -> impatientRooms.listRooms().execute()).isInstanceOf(InterruptedIOException.class);
  }

  @Test
  void aDelayOnOneMethodLeavesTheOthersAlone() throws Exception {
    livekit.faults().delayAnswer(START, Duration.ofSeconds(20));
    long before = System.nanoTime();

    assertThat(rooms.listRooms().execute().isSuccessful()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aZeroDelayRemovesIt() throws Exception {
    livekit.faults().delayAnswer("RoomService/ListRooms", Duration.ofSeconds(2));

    livekit.faults().delayAnswer("RoomService/ListRooms", Duration.ZERO);

    assertThat(livekit.faults().answerDelaysMillis()).isEmpty();
    assertThat(rooms.listRooms().execute().isSuccessful()).isTrue();
  }

  // ------------------------------------------------------------------ lost answers

  @Test
  void aStartWhoseAnswerTimesOutStillCreatesTheEgress() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.faults().loseAnswer(START, LostAnswer.TIMEOUT);

    assertThatThrownBy(() -> impatientEgress.startRoomCompositeEgress("room-a", file()).execute())
        .isInstanceOf(InterruptedIOException.class);

    EgressInfo created = livekit.egresses().get(0);
    List<EgressInfo> listed = egress.listEgress("room-a").execute().body();
    assertThat(listed).singleElement().extracting(EgressInfo::getEgressId).isEqualTo(created.getEgressId());
    sink.await(e -> e.getEvent().equals("egress_updated")
        && e.getEgressInfo().getStatus() == EgressStatus.EGRESS_ACTIVE, WAIT);
  }

  @Test
  void aStartWhoseAnswerIsUnavailableStillCreatesTheEgress() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.faults().loseAnswer(START, LostAnswer.UNAVAILABLE);

    Response<EgressInfo> response = egress.startRoomCompositeEgress("room-a", file()).execute();

    assertThat(response.code()).isEqualTo(503);
    JsonNode error = MAPPER.readTree(response.errorBody().string());
    assertThat(error.path("code").asText()).isEqualTo("unavailable");
    assertThat(error.path("msg").asText()).isEqualTo("no response from servers");
    assertThat(egress.listEgress("room-a").execute().body()).singleElement()
        .extracting(EgressInfo::getStatus).isIn(EgressStatus.EGRESS_STARTING, EgressStatus.EGRESS_ACTIVE);
    assertThat(sink.await(e -> e.getEvent().equals("egress_started"), WAIT).getEgressInfo().getRoomName())
        .isEqualTo("room-a");
  }

  @Test
  void aStartWhoseAnswerMissesItsDeadlineIsSentAgainByTheSdkSoTwoEgressesExist() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.faults().loseAnswer(START, LostAnswer.DEADLINE_EXCEEDED);

    Response<EgressInfo> response = egress.startRoomCompositeEgress("room-a", file()).execute();

    assertThat(response.code()).isEqualTo(408);
    JsonNode error = MAPPER.readTree(response.errorBody().string());
    assertThat(error.path("code").asText()).isEqualTo("deadline_exceeded");
    assertThat(error.path("msg").asText()).isEqualTo("request timed out");
    // OkHttp (under the SDK) silently repeats a request answered 408 once: both calls were applied.
    assertThat(livekit.requestCount(START)).isEqualTo(2);
    assertThat(livekit.egresses()).hasSize(2);
  }

  @Test
  void aStopWhoseAnswerIsLostStillStopsTheEgress() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    String id = egress.startRoomCompositeEgress("room-a", file()).execute().body().getEgressId();
    sink.await(e -> e.getEvent().equals("egress_updated")
        && e.getEgressInfo().getStatus() == EgressStatus.EGRESS_ACTIVE, WAIT);
    livekit.faults().loseAnswer("Egress/StopEgress", LostAnswer.UNAVAILABLE);

    Response<EgressInfo> response = egress.stopEgress(id).execute();

    assertThat(response.code()).isEqualTo(503);
    assertThat(sink.await("egress_ended", id, WAIT).getEgressInfo().getStatus())
        .isEqualTo(EgressStatus.EGRESS_COMPLETE);
  }

  @Test
  void turningTheLostAnswerOffClosesTheHeldConnectionUnanswered() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.faults().loseAnswer(START, LostAnswer.TIMEOUT);
    // The SDK's own client, no read timeout: only the release ends the call.
    CompletableFuture<Response<EgressInfo>> call = CompletableFuture.supplyAsync(() -> {
      try {
        return egress.startRoomCompositeEgress("room-a", file()).execute();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    await().atMost(WAIT).until(() -> livekit.egresses().size() == 1);

    livekit.faults().loseAnswer(START, LostAnswer.NONE);

    assertThatThrownBy(() -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseInstanceOf(IOException.class);
  }

  @Test
  void aLostAnswerOnEveryMethodLosesTheAnswersOfEachOfThem() throws Exception {
    livekit.faults().loseAnswer(Faults.ANY_METHOD, LostAnswer.UNAVAILABLE);

    assertThat(rooms.listRooms().execute().code()).isEqualTo(503);
    livekit.addParticipant("room-a", "alice", true);
    assertThat(egress.startRoomCompositeEgress("room-a", file()).execute().code()).isEqualTo(503);
  }

  @Test
  void aLostAnswerOnOneMethodLeavesTheOthersAnswered() throws Exception {
    livekit.faults().loseAnswer(START, LostAnswer.UNAVAILABLE);

    assertThat(rooms.listRooms().execute().isSuccessful()).isTrue();
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void anUnknownMethodIsRejectedNamingTheKnownOnes() {
    assertThatThrownBy(() -> livekit.faults().delayRequest("Egress/StartEgress", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Egress/StartEgress")
        .hasMessageContaining(START);
    assertThatThrownBy(() -> livekit.faults().loseAnswer("ListRooms", LostAnswer.TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ListRooms");
    assertThat(livekit.faults().requestDelaysMillis()).isEmpty();
    assertThat(livekit.faults().lostAnswers()).isEmpty();
  }

  @Test
  void aNegativeDelayIsRejected() {
    assertThatThrownBy(() -> livekit.faults().delayAnswer(START, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay");
    assertThat(livekit.faults().answerDelaysMillis()).isEmpty();
  }

  @Test
  void resettingTheFaultsRemovesLatencyAndLostAnswers() throws Exception {
    livekit.faults().delayRequest(START, Duration.ofSeconds(1)).delayAnswer(Faults.ANY_METHOD, Duration.ofSeconds(1))
        .loseAnswer(START, LostAnswer.TIMEOUT);

    livekit.faults().reset();

    assertThat(livekit.faults().requestDelaysMillis()).isEmpty();
    assertThat(livekit.faults().answerDelaysMillis()).isEmpty();
    assertThat(livekit.faults().lostAnswers()).isEmpty();
    assertThat(rooms.listRooms().execute().isSuccessful()).isTrue();
  }

  private static EncodedFileOutput file() {
    return EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setFilepath("room-a.mp4").build();
  }
}
