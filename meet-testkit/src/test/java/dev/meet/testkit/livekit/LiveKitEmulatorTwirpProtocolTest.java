package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.AccessToken;
import io.livekit.server.RoomAdmin;
import io.livekit.server.RoomCreate;
import io.livekit.server.RoomList;
import io.livekit.server.RoomName;
import io.livekit.server.RoomRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.RoomCompositeEgressRequest;
import livekit.LivekitModels.Room;
import livekit.LivekitRoom.CreateRoomRequest;
import livekit.LivekitRoom.ListRoomsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Twirp wire protocol as LiveKit's Go server speaks it, over raw HTTP: content types, JSON field names, routing
 * and error bodies with their HTTP statuses.
 */
class LiveKitEmulatorTwirpProtocolTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ROOM = "room-a";

  @TempDir Path output;
  private WebhookSink sink;
  private LiveKitEmulator livekit;
  private String authorization;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws IOException {
    sink = new WebhookSink("devkey", "secret");
    livekit = TestEmulators.fast(sink, output)
        .build()
        .start();
    AccessToken token = new AccessToken(livekit.apiKey(), livekit.apiSecret());
    token.addGrants(new RoomList(true), new RoomCreate(true), new RoomAdmin(true), new RoomName(ROOM),
        new RoomRecord(true));
    authorization = "Bearer " + token.toJwt();
  }

  @AfterEach
  void stop() {
    livekit.close();
    sink.close();
  }

  // ------------------------------------------------------------------ JSON

  @Test
  void aJsonRequestIsAnsweredInJson() throws Exception {
    HttpResponse<byte[]> response = post("RoomService/CreateRoom", "application/json", json("{\"name\":\"room-a\"}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(tree(response).path("name").asText()).isEqualTo(ROOM);
  }

  @Test
  void aJsonRequestWithACharsetIsAnsweredInJson() throws Exception {
    HttpResponse<byte[]> response =
        post("RoomService/CreateRoom", "application/json; charset=utf-8", json("{\"name\":\"room-a\"}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  @Test
  void jsonAnswersUseProtoFieldNamesAndPrintUnsetFieldsAsTwirpsGoServerDoes() throws Exception {
    HttpResponse<byte[]> response =
        post("RoomService/CreateRoom", "application/json", json("{\"name\":\"room-a\",\"empty_timeout\":60}"));

    JsonNode room = tree(response);
    assertThat(room.has("creation_time")).isTrue();
    assertThat(room.has("creationTime")).isFalse();
    assertThat(room.path("empty_timeout").asInt()).isEqualTo(60);
    assertThat(room.path("num_participants").isNumber()).isTrue();
    assertThat(room.path("metadata").asText()).isEmpty();
    // 64-bit integers are strings in protobuf JSON.
    assertThat(room.path("creation_time").isTextual()).isTrue();
    assertThat(room.path("creation_time_ms").isTextual()).isTrue();
  }

  @Test
  void jsonRequestsMayUseEitherFieldNameSpelling() throws Exception {
    JsonNode snake = tree(post("RoomService/CreateRoom", "application/json",
        json("{\"name\":\"room-a\",\"empty_timeout\":61}")));
    JsonNode camel = tree(post("RoomService/CreateRoom", "application/json",
        json("{\"name\":\"room-b\",\"emptyTimeout\":62}")));

    assertThat(snake.path("empty_timeout").asInt()).isEqualTo(61);
    assertThat(camel.path("empty_timeout").asInt()).isEqualTo(62);
  }

  @Test
  void unknownJsonFieldsAreIgnored() throws Exception {
    HttpResponse<byte[]> response = post("RoomService/CreateRoom", "application/json",
        json("{\"name\":\"room-a\",\"no_such_field\":{\"deep\":[1,2]},\"another\":true}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(tree(response).path("name").asText()).isEqualTo(ROOM);
  }

  @Test
  void anEmptyJsonObjectIsTheDefaultMessage() throws Exception {
    HttpResponse<byte[]> response = post("RoomService/ListRooms", "application/json", json("{}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(tree(response).path("rooms").isArray()).isTrue();
  }

  @Test
  void anEmptyJsonBodyIsMalformedAsTwirpsDecoderFindsNoValue() throws Exception {
    HttpResponse<byte[]> response = post("RoomService/ListRooms", "application/json", new byte[0]);

    assertTwirpError(response, 400, "malformed");
  }

  @Test
  void malformedJsonIsAMalformedError() throws Exception {
    HttpResponse<byte[]> response = post("RoomService/CreateRoom", "application/json", json("{\"name\": "));

    assertTwirpError(response, 400, "malformed");
    assertThat(tree(response).path("msg").asText()).isEqualTo("the json request could not be decoded");
  }

  @Test
  void jsonOfTheWrongTypeIsAMalformedError() throws Exception {
    HttpResponse<byte[]> response =
        post("RoomService/CreateRoom", "application/json", json("{\"name\":\"room-a\",\"empty_timeout\":\"soon\"}"));

    assertTwirpError(response, 400, "malformed");
  }

  // ------------------------------------------------------------------ protobuf

  @Test
  void aProtobufRequestIsAnsweredInProtobuf() throws Exception {
    byte[] request = CreateRoomRequest.newBuilder().setName(ROOM).setEmptyTimeout(90).build().toByteArray();

    HttpResponse<byte[]> response = post("RoomService/CreateRoom", "application/protobuf", request);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/protobuf");
    Room room = Room.parseFrom(response.body());
    assertThat(room.getName()).isEqualTo(ROOM);
    assertThat(room.getEmptyTimeout()).isEqualTo(90);
    assertThat(room.getSid()).startsWith("RM_");
  }

  @Test
  void anEmptyProtobufBodyIsTheDefaultMessage() throws Exception {
    livekit.createRoom(ROOM);

    HttpResponse<byte[]> response = post("RoomService/ListRooms", "application/protobuf", new byte[0]);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ListRoomsResponse.parseFrom(response.body()).getRoomsList())
        .extracting(Room::getName).containsExactly(ROOM);
  }

  @Test
  void malformedProtobufIsAMalformedError() throws Exception {
    // Field 1 (a string) announcing more bytes than follow.
    HttpResponse<byte[]> response =
        post("RoomService/CreateRoom", "application/protobuf", new byte[] {0x0A, 0x7F, 'x'});

    assertTwirpError(response, 400, "malformed");
    assertThat(tree(response).path("msg").asText()).isEqualTo("the protobuf request could not be decoded");
  }

  // ------------------------------------------------------------------ routing

  @Test
  void anUnknownMethodIsABadRoute() throws Exception {
    assertTwirpError(post("RoomService/NoSuchMethod", "application/json", json("{}")), 404, "bad_route");
  }

  @Test
  void anUnknownServiceIsABadRoute() throws Exception {
    assertTwirpError(post("NoSuchService/ListRooms", "application/json", json("{}")), 404, "bad_route");
  }

  @Test
  void aPathOutsideTwirpIsABadRoute() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(livekit.url() + "/no/such/path"))
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.noBody())
        .build();

    assertTwirpError(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), 404, "bad_route");
  }

  @Test
  void getIsABadRoute() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(livekit.url() + "/twirp/livekit.RoomService/ListRooms"))
        .header("Authorization", authorization)
        .GET()
        .build();

    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());

    assertTwirpError(response, 404, "bad_route");
    assertThat(tree(response).path("msg").asText()).contains("only POST is allowed");
  }

  @Test
  void anUnsupportedContentTypeIsABadRoute() throws Exception {
    HttpResponse<byte[]> response = post("RoomService/ListRooms", "text/plain", json("{}"));

    assertTwirpError(response, 404, "bad_route");
    assertThat(tree(response).path("msg").asText()).isEqualTo("unexpected Content-Type: \"text/plain\"");
  }

  @Test
  void aMissingContentTypeIsABadRoute() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(livekit.url() + "/twirp/livekit.RoomService/ListRooms"))
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();

    assertTwirpError(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), 404, "bad_route");
  }

  // ------------------------------------------------------------------ error codes and their statuses

  @Test
  void invalidArgumentIs400() throws Exception {
    HttpResponse<byte[]> response = post("RoomService/CreateRoom", "application/json", json("{\"name\":\"\"}"));

    assertTwirpError(response, 400, "invalid_argument");
  }

  @Test
  void aSendDataNonceThatIsNotSixteenBytesIsInvalid() throws Exception {
    livekit.createRoom(ROOM);
    String body = "{\"room\":\"room-a\",\"data\":\"aGk=\",\"nonce\":\"AQID\"}";

    HttpResponse<byte[]> response = post("RoomService/SendData", "application/json", json(body));

    assertTwirpError(response, 400, "invalid_argument");
    assertThat(tree(response).path("msg").asText()).isEqualTo("nonce should be 16-bytes or not present, got: 3 bytes");
  }

  @Test
  void permissionDeniedIs401() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(livekit.url() + "/twirp/livekit.RoomService/ListRooms"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();

    assertTwirpError(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), 401, "unauthenticated");
  }

  @Test
  void notFoundIs404() throws Exception {
    HttpResponse<byte[]> response =
        post("RoomService/DeleteRoom", "application/json", json("{\"room\":\"no-such-room\"}"));

    assertTwirpError(response, 404, "not_found");
  }

  @Test
  void failedPreconditionIs412() throws Exception {
    livekit.addParticipant(ROOM, "viewer", false);
    EgressInfo started = EgressInfo.parseFrom(post("Egress/StartRoomCompositeEgress", "application/protobuf",
        RoomCompositeEgressRequest.newBuilder()
            .setRoomName(ROOM)
            .setFile(EncodedFileOutput.newBuilder().setFilepath("a.mp4"))
            .build()
            .toByteArray()).body());
    String stop = "{\"egress_id\":\"" + started.getEgressId() + "\"}";
    assertThat(post("Egress/StopEgress", "application/json", json(stop)).statusCode()).isEqualTo(200);

    HttpResponse<byte[]> again = post("Egress/StopEgress", "application/json", json(stop));

    assertTwirpError(again, 412, "failed_precondition");
    assertThat(tree(again).path("msg").asText()).isEqualTo("egress with status EGRESS_ABORTED cannot be stopped");
  }

  @Test
  void unavailableIs503() throws Exception {
    livekit.createRoom(ROOM);
    livekit.faults().startEgressNotEnoughCpu(true);

    HttpResponse<byte[]> response = post("Egress/StartRoomCompositeEgress", "application/json",
        json("{\"room_name\":\"room-a\",\"file\":{\"filepath\":\"a.mp4\"}}"));

    assertTwirpError(response, 503, "unavailable");
  }

  // ------------------------------------------------------------------ helpers

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private HttpResponse<byte[]> post(String method, String contentType, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(livekit.url() + "/twirp/livekit." + method))
        .header("Authorization", authorization)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode tree(HttpResponse<byte[]> response) throws IOException {
    return MAPPER.readTree(response.body());
  }

  /** A Twirp error: the status, a JSON body with exactly the code and a message. */
  private static void assertTwirpError(HttpResponse<byte[]> response, int status, String code) throws IOException {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertThat(response.statusCode()).as(body).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = MAPPER.readTree(body);
    assertThat(error.path("code").asText()).as(body).isEqualTo(code);
    assertThat(error.path("msg").isTextual()).as(body).isTrue();
  }
}
