package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.AccessToken;
import io.livekit.server.RoomAdmin;
import io.livekit.server.RoomCreate;
import io.livekit.server.RoomList;
import io.livekit.server.RoomName;
import io.livekit.server.RoomRecord;
import io.livekit.server.RoomServiceClient;
import io.livekit.server.VideoGrant;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LiveKit's API-key auth over raw HTTP: what the middleware refuses with a plain-text 401, and what the services
 * refuse with the Twirp {@code unauthenticated} "permissions denied" error for want of a grant.
 */
class LiveKitEmulatorAuthTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ROOM = "room-a";
  private static final String PERMISSIONS_DENIED = "{\"code\":\"unauthenticated\",\"msg\":\"permissions denied\"}";

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
    livekit.addParticipant(ROOM, "alice", true);
  }

  @AfterEach
  void stop() {
    livekit.close();
    sink.close();
  }

  // ------------------------------------------------------------------ the header and the token

  @Test
  void aTokenWithTheNeededGrantIsAccepted() throws Exception {
    HttpResponse<String> response = post("RoomService/ListRooms", "{}", bearer(sdkToken(new RoomList(true))));

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void aHeaderWithoutBearerIsRefusedInPlainText() throws Exception {
    HttpResponse<String> response = post("RoomService/ListRooms", "{}", sdkToken(new RoomList(true)));

    assertThat(response.statusCode()).isEqualTo(401);
    assertPlainText(response);
    assertThat(response.body()).contains("invalid authorization header. Must start with Bearer");
  }

  @Test
  void aTokenSignedWithAnotherSecretIsRefused() throws Exception {
    String token = JWT.create()
        .withIssuer("devkey")
        .withExpiresAt(Date.from(Instant.now().plusSeconds(600)))
        .withClaim("video", Map.of("roomList", true))
        .sign(Algorithm.HMAC256("not-the-secret"));

    HttpResponse<String> response = post("RoomService/ListRooms", "{}", bearer(token));

    assertThat(response.statusCode()).isEqualTo(401);
    assertPlainText(response);
    assertThat(response.body()).startsWith("invalid token");
  }

  @Test
  void aTokenOfAnUnknownApiKeyIsRefused() throws Exception {
    AccessToken token = new AccessToken("otherkey", "secret");
    token.addGrants(new RoomList(true));

    HttpResponse<String> response = post("RoomService/ListRooms", "{}", bearer(token.toJwt()));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).startsWith("invalid API key: otherkey");
  }

  @Test
  void somethingThatIsNotAJwtIsRefused() throws Exception {
    HttpResponse<String> response = post("RoomService/ListRooms", "{}", "Bearer not-a-jwt");

    assertThat(response.statusCode()).isEqualTo(401);
    assertPlainText(response);
  }

  @Test
  void anUnsignedTokenIsRefused() throws Exception {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String header = base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
    String claims = base64.encodeToString(
        ("{\"iss\":\"devkey\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + ",\"video\":{\"roomList\":true}}")
            .getBytes());

    HttpResponse<String> response = post("RoomService/ListRooms", "{}", bearer(header + "." + claims + "."));

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenExpiredLongerThanTheLeewayIsRefused() throws Exception {
    String token = jwt(Instant.now().minusSeconds(120), null);

    HttpResponse<String> response = post("RoomService/ListRooms", "{}", bearer(token));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).startsWith("invalid token");
  }

  @Test
  void aTokenExpiredWithinTheLeewayIsAccepted() throws Exception {
    String token = jwt(Instant.now().minusSeconds(30), null);

    HttpResponse<String> response = post("RoomService/ListRooms", "{}", bearer(token));

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenValidOnlyLaterThanTheLeewayIsRefused() throws Exception {
    String token = jwt(Instant.now().plusSeconds(600), Instant.now().plusSeconds(120));

    HttpResponse<String> response = post("RoomService/ListRooms", "{}", bearer(token));

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenValidSoonWithinTheLeewayIsAccepted() throws Exception {
    String token = jwt(Instant.now().plusSeconds(600), Instant.now().plusSeconds(30));

    HttpResponse<String> response = post("RoomService/ListRooms", "{}", bearer(token));

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void noHeaderIsPermissionDeniedAsATwirpError() throws Exception {
    HttpResponse<String> response = post("RoomService/ListRooms", "{}", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(MAPPER.readTree(response.body())).isEqualTo(MAPPER.readTree(PERMISSIONS_DENIED));
  }

  @Test
  void aBearerHeaderWithoutATokenIsRefusedInPlainText() throws Exception {
    // HTTP trims the header value to "Bearer", which lacks the "Bearer " prefix, as LiveKit sees it too.
    HttpResponse<String> response = post("RoomService/ListRooms", "{}", "Bearer ");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("Must start with Bearer");
  }

  @Test
  void anEmptyAccessTokenParameterIsPermissionDeniedLikeNoToken() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(livekit.url() + "/twirp/livekit.RoomService/ListRooms?access_token="))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();

    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(MAPPER.readTree(response.body())).isEqualTo(MAPPER.readTree(PERMISSIONS_DENIED));
  }

  @Test
  void aTokenInTheAccessTokenQueryParameterIsAcceptedWithoutAHeader() throws Exception {
    String token = sdkToken(new RoomList(true));
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(livekit.url() + "/twirp/livekit.RoomService/ListRooms?access_token=" + token))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();

    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenWithoutVideoGrantsIsPermissionDenied() throws Exception {
    String token = JWT.create()
        .withIssuer("devkey")
        .withExpiresAt(Date.from(Instant.now().plusSeconds(600)))
        .sign(Algorithm.HMAC256("secret"));

    HttpResponse<String> response = post("RoomService/ListRooms", "{}", bearer(token));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(MAPPER.readTree(response.body())).isEqualTo(MAPPER.readTree(PERMISSIONS_DENIED));
  }

  @Test
  void theSdkClientWithAWrongSecretGets401() throws Exception {
    RoomServiceClient client = RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), "wrong-secret");

    assertThat(client.listRooms().execute().code()).isEqualTo(401);
  }

  @Test
  void callsRefusedByAuthAreStillCounted() throws Exception {
    post("RoomService/ListRooms", "{}", "Basic dXNlcjpwYXNz");
    post("RoomService/ListRooms", "{}", null);

    assertThat(livekit.requestCount("RoomService/ListRooms")).isEqualTo(2);
  }

  // ------------------------------------------------------------------ grants

  @Test
  void listRoomsNeedsRoomList() throws Exception {
    String everythingElse =
        sdkToken(new RoomCreate(true), new RoomAdmin(true), new RoomName(ROOM), new RoomRecord(true));

    assertPermissionDenied(post("RoomService/ListRooms", "{}", bearer(everythingElse)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"CreateRoom", "DeleteRoom"})
  void creatingAndDeletingRoomsNeedsRoomCreate(String method) throws Exception {
    String everythingElse =
        sdkToken(new RoomList(true), new RoomAdmin(true), new RoomName(ROOM), new RoomRecord(true));
    String body = method.equals("CreateRoom") ? "{\"name\":\"" + ROOM + "\"}" : "{\"room\":\"" + ROOM + "\"}";

    assertPermissionDenied(post("RoomService/" + method, body, bearer(everythingElse)));
    assertThat(post("RoomService/" + method, body, bearer(sdkToken(new RoomCreate(true)))).statusCode())
        .isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ListParticipants", "GetParticipant", "UpdateParticipant", "RemoveParticipant", "MutePublishedTrack",
      "UpdateSubscriptions", "UpdateRoomMetadata", "SendData"})
  void perRoomCallsNeedRoomAdminOfThatRoom(String method) throws Exception {
    String body = "{\"room\":\"" + ROOM + "\",\"identity\":\"alice\",\"muted\":true}";

    assertPermissionDenied(post("RoomService/" + method, body,
        bearer(sdkToken(new RoomAdmin(true), new RoomName("another-room")))));
    assertPermissionDenied(post("RoomService/" + method, body,
        bearer(sdkToken(new RoomAdmin(true), new RoomList(true), new RoomCreate(true), new RoomRecord(true)))));
    assertPermissionDenied(post("RoomService/" + method, body,
        bearer(sdkToken(new RoomName(ROOM), new RoomList(true), new RoomCreate(true), new RoomRecord(true)))));
    assertThat(post("RoomService/" + method, body, bearer(sdkToken(new RoomAdmin(true), new RoomName(ROOM))))
        .statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"StartRoomCompositeEgress", "StopEgress", "ListEgress", "UpdateLayout"})
  void everyEgressCallNeedsRoomRecord(String method) throws Exception {
    String everythingElse =
        sdkToken(new RoomList(true), new RoomCreate(true), new RoomAdmin(true), new RoomName(ROOM));

    assertPermissionDenied(post("Egress/" + method, "{\"room_name\":\"" + ROOM + "\"}", bearer(everythingElse)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"StartRoomCompositeEgress", "StopEgress", "ListEgress", "UpdateLayout"})
  void roomRecordIsEnoughForEveryEgressCall(String method) throws Exception {
    HttpResponse<String> response =
        post("Egress/" + method, "{\"room_name\":\"" + ROOM + "\"}", bearer(sdkToken(new RoomRecord(true))));

    // Past the grant check: the call is served (or refused for its arguments, never for auth).
    assertThat(response.statusCode()).isNotEqualTo(401);
  }

  // ------------------------------------------------------------------ helpers

  private String sdkToken(VideoGrant... grants) {
    AccessToken token = new AccessToken(livekit.apiKey(), livekit.apiSecret());
    token.addGrants(grants);
    return token.toJwt();
  }

  /** A token with the roomList grant, expiring at {@code expiresAt}, valid from {@code notBefore} when given. */
  private String jwt(Instant expiresAt, Instant notBefore) {
    var builder = JWT.create()
        .withIssuer(livekit.apiKey())
        .withExpiresAt(Date.from(expiresAt))
        .withClaim("video", Map.of("roomList", true));
    if (notBefore != null) {
      builder.withNotBefore(Date.from(notBefore));
    }
    return builder.sign(Algorithm.HMAC256(livekit.apiSecret()));
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  private HttpResponse<String> post(String method, String json, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(livekit.url() + "/twirp/livekit." + method))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertPlainText(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
  }

  private static void assertPermissionDenied(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    JsonNode body = MAPPER.readTree(response.body());
    assertThat(body).isEqualTo(MAPPER.readTree(PERMISSIONS_DENIED));
  }
}
