package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
import retrofit2.Response;

/** The emulator's {@code /emulator/...} control API over raw HTTP, as a test script or curl uses it. */
class LiveKitEmulatorControlApiTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path output;
  private WebhookSink sink;
  private LiveKitEmulator livekit;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws IOException {
    sink = new WebhookSink("devkey", "secret");
    livekit = TestEmulators.fast(sink, output)
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    livekit.close();
    sink.close();
  }

  // ------------------------------------------------------------------ rooms and participants

  @Test
  void addingAParticipantCreatesTheRoomAndAnswers201WithTheParticipant() throws Exception {
    HttpResponse<String> response =
        call("POST", "/emulator/rooms/room-a/participants", "{\"identity\":\"alice\",\"publisher\":true}");

    assertThat(response.statusCode()).isEqualTo(201);
    JsonNode participant = MAPPER.readTree(response.body());
    assertThat(participant.path("identity").asText()).isEqualTo("alice");
    assertThat(participant.path("sid").asText()).startsWith("PA_");
    assertThat(participant.path("isPublisher").asBoolean()).isTrue();
    assertThat(livekit.rooms()).singleElement().extracting(Room::getName).isEqualTo("room-a");
    assertThat(livekit.rooms().get(0).getNumPublishers()).isEqualTo(1);
  }

  @Test
  void addingAParticipantSendsRoomStartedAndParticipantJoined() throws Exception {
    call("POST", "/emulator/rooms/room-a/participants", "{\"identity\":\"alice\",\"publisher\":true}");

    WebhookEvent started = sink.await(e -> e.getEvent().equals("room_started"), WAIT);
    WebhookEvent joined = sink.await(e -> e.getEvent().equals("participant_joined"), WAIT);

    assertThat(started.getRoom().getName()).isEqualTo("room-a");
    assertThat(joined.getParticipant().getIdentity()).isEqualTo("alice");
  }

  @Test
  void addingAParticipantWithANameUsesIt() throws Exception {
    call("POST", "/emulator/rooms/room-a/participants", "{\"identity\":\"alice\",\"name\":\"Alice A.\"}");

    RoomServiceClient rooms = RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    assertThat(rooms.getParticipant("room-a", "alice").execute().body().getName()).isEqualTo("Alice A.");
  }

  @Test
  void addingTheSameParticipantTwiceIsAConflict() throws Exception {
    call("POST", "/emulator/rooms/room-a/participants", "{\"identity\":\"alice\"}");

    HttpResponse<String> again = call("POST", "/emulator/rooms/room-a/participants", "{\"identity\":\"alice\"}");

    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(MAPPER.readTree(again.body()).path("code").asText()).isEqualTo("already_exists");
  }

  @Test
  void addingAParticipantWithoutAnIdentityIsABadRequest() throws Exception {
    HttpResponse<String> response = call("POST", "/emulator/rooms/room-a/participants", "{\"publisher\":true}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(response.body()).path("msg").asText()).isEqualTo("identity is required");
    assertThat(livekit.rooms()).isEmpty();
  }

  @Test
  void aBodyThatIsNotJsonIsABadRequest() throws Exception {
    HttpResponse<String> response = call("POST", "/emulator/rooms/room-a/participants", "identity=alice");

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void removingAParticipantAnswers204AndSendsParticipantLeft() throws Exception {
    livekit.addParticipant("room-a", "alice", false);

    HttpResponse<String> response = call("DELETE", "/emulator/rooms/room-a/participants/alice", null);

    assertThat(response.statusCode()).isEqualTo(204);
    WebhookEvent left = sink.await(e -> e.getEvent().equals("participant_left"), WAIT);
    assertThat(left.getParticipant().getIdentity()).isEqualTo("alice");
  }

  @Test
  void removingAnUnknownParticipantIsNotFound() throws Exception {
    livekit.addParticipant("room-a", "alice", false);

    HttpResponse<String> response = call("DELETE", "/emulator/rooms/room-a/participants/nobody", null);

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void closingARoomAnswers204AndSendsRoomFinished() throws Exception {
    livekit.addParticipant("room-a", "alice", false);

    HttpResponse<String> response = call("POST", "/emulator/rooms/room-a/close", null);

    assertThat(response.statusCode()).isEqualTo(204);
    WebhookEvent finished = sink.await(e -> e.getEvent().equals("room_finished"), WAIT);
    assertThat(finished.getRoom().getName()).isEqualTo("room-a");
    assertThat(livekit.rooms()).isEmpty();
  }

  @Test
  void closingAnUnknownRoomIsNotFound() throws Exception {
    assertThat(call("POST", "/emulator/rooms/no-such-room/close", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theRoomsAreListed() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.createRoom("room-b");

    HttpResponse<String> response = call("GET", "/emulator/rooms", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode rooms = MAPPER.readTree(response.body());
    assertThat(rooms).extracting(r -> r.path("name").asText()).containsExactly("room-a", "room-b");
    assertThat(rooms.get(0).path("numParticipants").asInt()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ webhooks

  @Test
  void webhookDeliveryAttemptsAreListed() throws Exception {
    livekit.addParticipant("room-a", "alice", false);
    livekit.awaitWebhooksIdle(WAIT);

    HttpResponse<String> response = call("GET", "/emulator/webhooks", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode attempts = MAPPER.readTree(response.body());
    assertThat(attempts).extracting(a -> a.path("event").asText())
        .containsExactly("room_started", "participant_joined");
    JsonNode first = attempts.get(0);
    assertThat(first.path("id").asText()).startsWith("EV_");
    assertThat(first.path("target").asText()).isEqualTo(sink.url().toString());
    assertThat(first.path("statusCode").asInt()).isEqualTo(200);
    assertThat(first.path("attempt").asInt()).isEqualTo(1);
  }

  @Test
  void deletingTheWebhookListClearsIt() throws Exception {
    livekit.addParticipant("room-a", "alice", false);
    livekit.awaitWebhooksIdle(WAIT);

    HttpResponse<String> response = call("DELETE", "/emulator/webhooks", null);

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(livekit.webhookDeliveries()).isEmpty();
    assertThat(MAPPER.readTree(call("GET", "/emulator/webhooks", null).body())).isEmpty();
  }

  // ------------------------------------------------------------------ faults

  @Test
  void theFaultsAreShownAllOffByDefault() throws Exception {
    HttpResponse<String> response = call("GET", "/emulator/faults", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(MAPPER.readTree(response.body())).isEqualTo(MAPPER.readTree("""
        {"duplicateWebhooks":false,"webhookToken":"NONE","egressStuckInStarting":false,
         "stopEgressUnavailable":false,"startEgressNotEnoughCpu":false,"dropEvents":[],"delayEventsMillis":{},
         "delayRequestMillis":{},"delayAnswerMillis":{},"loseAnswers":{}}
        """));
  }

  @Test
  void puttingFaultsArmsTheGivenSwitchesAndLeavesTheOthers() throws Exception {
    livekit.faults().duplicateWebhooks(true);

    HttpResponse<String> response = call("PUT", "/emulator/faults", """
        {"stopEgressUnavailable":true,"dropEvents":["egress_ended"],
         "delayEventsMillis":{"egress_started":300},"webhookToken":"BAD_SIGNATURE"}
        """);

    assertThat(response.statusCode()).isEqualTo(200);
    Faults faults = livekit.faults();
    assertThat(faults.stopEgressUnavailable()).isTrue();
    assertThat(faults.isDropped("egress_ended")).isTrue();
    assertThat(faults.delayOf("egress_started")).isEqualTo(Duration.ofMillis(300));
    assertThat(faults.webhookToken()).isEqualTo(WebhookTokenFault.BAD_SIGNATURE);
    assertThat(faults.duplicateWebhooks()).isTrue();
    assertThat(faults.startEgressNotEnoughCpu()).isFalse();
    assertThat(faults.egressStuckInStarting()).isFalse();
    assertThat(MAPPER.readTree(response.body()).path("dropEvents")).extracting(JsonNode::asText)
        .containsExactly("egress_ended");
  }

  @Test
  void anUnknownWebhookTokenFaultIsABadRequest() throws Exception {
    HttpResponse<String> response =
        call("PUT", "/emulator/faults", "{\"duplicateWebhooks\":true,\"webhookToken\":\"SOMETIMES\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(livekit.faults().webhookToken()).isEqualTo(WebhookTokenFault.NONE);
    assertThat(livekit.faults().duplicateWebhooks()).isFalse();
  }

  @Test
  void aMisspeltFaultIsABadRequestRatherThanSilentlyIgnored() throws Exception {
    HttpResponse<String> response = call("PUT", "/emulator/faults", "{\"dropEvent\":[\"egress_ended\"]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(response.body()).path("msg").asText()).startsWith("unknown fault: dropEvent");
  }

  @Test
  void aFaultBodyWithOneBadValueChangesNothing() throws Exception {
    HttpResponse<String> response = call("PUT", "/emulator/faults",
        "{\"duplicateWebhooks\":true,\"dropEvents\":\"egress_ended\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(livekit.faults().duplicateWebhooks()).isFalse();
    assertThat(livekit.faults().droppedEvents()).isEmpty();
  }

  @Test
  void deletingTheFaultsTurnsEverySwitchOff() throws Exception {
    livekit.faults().duplicateWebhooks(true).dropEvent("room_started").egressStuckInStarting(true)
        .webhookToken(WebhookTokenFault.EXPIRED);

    HttpResponse<String> response = call("DELETE", "/emulator/faults", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(livekit.faults().duplicateWebhooks()).isFalse();
    assertThat(livekit.faults().droppedEvents()).isEmpty();
    assertThat(livekit.faults().egressStuckInStarting()).isFalse();
    assertThat(livekit.faults().webhookToken()).isEqualTo(WebhookTokenFault.NONE);
  }

  @Test
  void puttingMethodFaultsArmsLatencyAndLostAnswers() throws Exception {
    HttpResponse<String> response = call("PUT", "/emulator/faults", """
        {"delayRequestMillis":{"Egress/StopEgress":250},"delayAnswerMillis":{"*":100},
         "loseAnswers":{"Egress/StartRoomCompositeEgress":"UNAVAILABLE"}}
        """);

    assertThat(response.statusCode()).isEqualTo(200);
    Faults faults = livekit.faults();
    assertThat(faults.requestDelayOf("Egress/StopEgress")).isEqualTo(Duration.ofMillis(250));
    assertThat(faults.answerDelayOf("RoomService/ListRooms")).isEqualTo(Duration.ofMillis(100));
    assertThat(faults.lostAnswerOf("Egress/StartRoomCompositeEgress")).isEqualTo(LostAnswer.UNAVAILABLE);
    JsonNode shown = MAPPER.readTree(response.body());
    assertThat(shown.path("delayRequestMillis").path("Egress/StopEgress").asLong()).isEqualTo(250);
    assertThat(shown.path("delayAnswerMillis").path("*").asLong()).isEqualTo(100);
    assertThat(shown.path("loseAnswers").path("Egress/StartRoomCompositeEgress").asText()).isEqualTo("UNAVAILABLE");
  }

  @Test
  void aLostAnswerArmedOverTheControlApiLosesTheSdksAnswerButCreatesTheEgress() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    call("PUT", "/emulator/faults", "{\"loseAnswers\":{\"Egress/StartRoomCompositeEgress\":\"UNAVAILABLE\"}}");
    EgressServiceClient egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());

    Response<EgressInfo> response = egress.startRoomCompositeEgress("room-a",
        EncodedFileOutput.newBuilder().setFilepath("room-a.mp4").build()).execute();

    assertThat(response.code()).isEqualTo(503);
    assertThat(livekit.egresses()).hasSize(1);
  }

  @Test
  void aLostAnswerOrDelaySetToNoneOrZeroOverTheControlApiIsRemoved() throws Exception {
    livekit.faults().loseAnswer("Egress/StopEgress", LostAnswer.TIMEOUT).delayAnswer("*", Duration.ofSeconds(1));

    HttpResponse<String> response = call("PUT", "/emulator/faults",
        "{\"loseAnswers\":{\"Egress/StopEgress\":\"NONE\"},\"delayAnswerMillis\":{\"*\":0}}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(livekit.faults().lostAnswers()).isEmpty();
    assertThat(livekit.faults().answerDelaysMillis()).isEmpty();
  }

  @Test
  void aMethodFaultOnAnUnknownMethodIsABadRequestNamingIt() throws Exception {
    HttpResponse<String> response = call("PUT", "/emulator/faults",
        "{\"duplicateWebhooks\":true,\"delayAnswerMillis\":{\"Egress/StartEgress\":100}}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(response.body()).path("msg").asText())
        .contains("delayAnswerMillis").contains("Egress/StartEgress");
    assertThat(livekit.faults().duplicateWebhooks()).isFalse();
    assertThat(livekit.faults().answerDelaysMillis()).isEmpty();
  }

  @Test
  void anUnknownWayOfLosingAnAnswerIsABadRequest() throws Exception {
    HttpResponse<String> response = call("PUT", "/emulator/faults",
        "{\"loseAnswers\":{\"Egress/StopEgress\":\"SOMETIMES\"}}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(response.body()).path("msg").asText()).contains("loseAnswers.Egress/StopEgress");
    assertThat(livekit.faults().lostAnswers()).isEmpty();
  }

  @Test
  void aNegativeMethodDelayIsABadRequest() throws Exception {
    HttpResponse<String> response = call("PUT", "/emulator/faults",
        "{\"delayRequestMillis\":{\"Egress/StopEgress\":-5}}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(response.body()).path("msg").asText()).contains("delayRequestMillis.Egress/StopEgress");
    assertThat(livekit.faults().requestDelaysMillis()).isEmpty();
  }

  // ------------------------------------------------------------------ egress

  @Test
  void forcingAnEgressStateChangesIt() throws Exception {
    String id = startEgress("room-a");

    HttpResponse<String> response =
        call("POST", "/emulator/egress/" + id + "/state", "{\"status\":\"EGRESS_FAILED\",\"error\":\"x\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode info = MAPPER.readTree(response.body());
    assertThat(info.path("status").asText()).isEqualTo("EGRESS_FAILED");
    assertThat(info.path("error").asText()).isEqualTo("x");
    assertThat(livekit.egress(id).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    WebhookEvent ended = sink.await("egress_ended", id, WAIT);
    assertThat(ended.getEgressInfo().getError()).isEqualTo("x");
  }

  @Test
  void aStatusMayBeGivenWithoutItsPrefix() throws Exception {
    String id = startEgress("room-a");

    HttpResponse<String> response = call("POST", "/emulator/egress/" + id + "/state", "{\"status\":\"ACTIVE\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(livekit.egress(id).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_ACTIVE);
  }

  @Test
  void forcingAnUnknownStatusIsABadRequest() throws Exception {
    String id = startEgress("room-a");

    HttpResponse<String> response =
        call("POST", "/emulator/egress/" + id + "/state", "{\"status\":\"EGRESS_DANCING\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(livekit.egress(id).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);
  }

  @Test
  void forcingAnEndedEgressIsAFailedPrecondition() throws Exception {
    String id = startEgress("room-a");
    livekit.forceEgressStatus(id, EgressStatus.EGRESS_FAILED);

    HttpResponse<String> response = call("POST", "/emulator/egress/" + id + "/state", "{\"status\":\"EGRESS_ACTIVE\"}");

    assertThat(response.statusCode()).isEqualTo(412);
  }

  @Test
  void forcingAnUnknownEgressIsNotFound() throws Exception {
    HttpResponse<String> response =
        call("POST", "/emulator/egress/EG_nosuchegress/state", "{\"status\":\"EGRESS_FAILED\"}");

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void theEgressesAreListed() throws Exception {
    String first = startEgress("room-a");
    String second = startEgress("room-b");

    HttpResponse<String> response = call("GET", "/emulator/egress", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(MAPPER.readTree(response.body())).extracting(e -> e.path("egressId").asText())
        .containsExactly(first, second);
  }

  @Test
  void oneEgressIsShownByItsId() throws Exception {
    String id = startEgress("room-a");

    HttpResponse<String> response = call("GET", "/emulator/egress/" + id, null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode info = MAPPER.readTree(response.body());
    assertThat(info.path("egressId").asText()).isEqualTo(id);
    assertThat(info.path("roomName").asText()).isEqualTo("room-a");
  }

  @Test
  void anUnknownEgressIsNotFound() throws Exception {
    assertThat(call("GET", "/emulator/egress/EG_nosuchegress", null).statusCode()).isEqualTo(404);
  }

  // ------------------------------------------------------------------ request counters

  @Test
  void theRequestCountersAreShown() throws Exception {
    RoomServiceClient rooms = RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    rooms.listRooms().execute();
    rooms.listRooms().execute();
    rooms.createRoom("room-a").execute();

    HttpResponse<String> response = call("GET", "/emulator/requests", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(MAPPER.readTree(response.body()))
        .isEqualTo(MAPPER.valueToTree(Map.of("RoomService/ListRooms", 2, "RoomService/CreateRoom", 1)));
  }

  @Test
  void deletingTheRequestCountersResetsThem() throws Exception {
    RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret()).listRooms().execute();

    HttpResponse<String> response = call("DELETE", "/emulator/requests", null);

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(livekit.requestCounts()).isEmpty();
    assertThat(MAPPER.readTree(call("GET", "/emulator/requests", null).body())).isEmpty();
  }

  // ------------------------------------------------------------------ outage

  @Test
  void anOutageRefusesConnectionsForItsLengthAndThenEnds() throws Exception {
    livekit.createRoom("room-a");

    HttpResponse<String> response = call("POST", "/emulator/outage", "{\"millis\":300}");

    assertThat(response.statusCode()).isEqualTo(202);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(this::connectionRefused);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> call("GET", "/emulator/rooms", null).statusCode() == 200);
    assertThat(livekit.rooms()).extracting(Room::getName).containsExactly("room-a");
  }

  @Test
  void anOutageWithoutALengthIsABadRequest() throws Exception {
    HttpResponse<String> response = call("POST", "/emulator/outage", "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(livekit.isDown()).isFalse();
  }

  // ------------------------------------------------------------------ routing

  @Test
  void anUnknownControlPathIsABadRoute() throws Exception {
    HttpResponse<String> response = call("GET", "/emulator/nonsense", null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(MAPPER.readTree(response.body()).path("code").asText()).isEqualTo("bad_route");
  }

  @Test
  void anUnsupportedMethodOnAKnownPathIsABadRoute() throws Exception {
    assertThat(call("PATCH", "/emulator/webhooks", null).statusCode()).isEqualTo(404);
  }

  // ------------------------------------------------------------------ helpers

  /** Starts an egress that stays STARTING (the room has no publisher). */
  private String startEgress(String room) throws IOException {
    livekit.addParticipant(room, "viewer-" + room, false);
    EgressServiceClient egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    EncodedFileOutput file =
        EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setFilepath(room + ".mp4").build();
    Response<EgressInfo> response = egress.startRoomCompositeEgress(room, file).execute();
    assertThat(response.isSuccessful()).as("start egress: %s", response).isTrue();
    return response.body().getEgressId();
  }

  private boolean connectionRefused() throws InterruptedException {
    try {
      // A fresh client: a pooled connection would fail differently.
      HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(livekit.url() + "/emulator/rooms")).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return false;
    } catch (ConnectException refused) {
      return true;
    } catch (IOException other) {
      return false;
    }
  }

  private HttpResponse<String> call(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(livekit.url() + path));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
