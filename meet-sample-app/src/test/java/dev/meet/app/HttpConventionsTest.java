package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.meet.testkit.livekit.LostAnswer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The conventions every call follows: the API key, JSON error bodies, the body limits, the webhook's own auth and
 * deadline, and what dependency failures and unexpected failures answer.
 */
class HttpConventionsTest extends StackTest {


  @Test
  void aMissingOrWrongApiKeyIs401WithAJsonBody() {
    Backend.Response missing = api.get("/rooms", "X-API-KEY", "");
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.json().get("error").asString()).isEqualTo("Authentication Error");
    Backend.Response wrong = api.get("/rooms", "X-API-KEY", Backend.API_KEY + "x");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("message").asString()).isEqualTo("Invalid API key");
    assertThat(api.post("/rooms", "{}", "X-API-KEY", "nope").status()).isEqualTo(401);
    assertThat(api.delete("/recordings?recordingIds=a", "X-API-KEY", "").status()).isEqualTo(401);
  }

  @Test
  void aBodyOver64KiBIs413AndCreatesNothing() {
    int before = stack.emulator.rooms().size();
    String big = "{\"roomName\":\"x\",\"pad\":\"" + "a".repeat(70 * 1024) + "\"}";
    Backend.Response declared = api.post("/rooms", big);
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.json().get("error").asString()).isEqualTo("Payload Too Large");

    // the same without a Content-Length (chunked)
    HttpRequest.BodyPublisher chunked = new HttpRequest.BodyPublisher() {
      private final HttpRequest.BodyPublisher inner = HttpRequest.BodyPublishers.ofString(big);

      @Override
      public long contentLength() {
        return -1;
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        inner.subscribe(subscriber);
      }
    };
    Backend.Response streamed = api.send(HttpRequest.newBuilder(URI.create(api.api + "/rooms"))
        .header("Content-Type", "application/json").POST(chunked));
    assertThat(streamed.status()).isEqualTo(413);
    assertThat(stack.emulator.rooms()).hasSize(before);

    String justUnder = "{\"roomName\":\"x\",\"pad\":\"" + "a".repeat(60 * 1024) + "\"}";
    assertThat(api.post("/rooms", justUnder).status()).isEqualTo(201);
  }

  @Test
  void malformedJsonIs400AndOtherMediaTypesAre415() {
    Backend.Response malformed = api.post("/rooms", "{\"roomName\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.text()).isEqualTo("{\"error\":\"Bad Request\",\"message\":\"Malformed body\"}");
    Backend.Response text = api.send(HttpRequest.newBuilder(URI.create(api.api + "/rooms"))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")));
    assertThat(text.status()).isEqualTo(415);
    assertThat(text.json().get("error").asString()).isEqualTo("Unsupported Media Type");
  }

  @Test
  void unknownPathsAndMethodsAnswerJson() {
    Backend.Response unknown = api.get("/nothing");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error").asString()).isEqualTo("Not Found");
    Backend.Response method = api.send(HttpRequest.newBuilder(URI.create(api.api + "/rooms"))
        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.json().get("error").asString()).isEqualTo("Method Not Allowed");
  }

  @Test
  void everySuccessHasAJsonBody() {
    String roomId = api.post("/rooms", "{}").json().get("roomId").asString();
    Backend.Response deleted = api.delete("/rooms/" + roomId);
    assertThat(deleted.header("Content-Type")).startsWith("application/json");
    assertThat(deleted.json().has("message")).isTrue();
  }

  @Test
  void theLiveKitWebhookNeedsNoApiKeyButAValidSignature() {
    Backend.Response unsigned = api.send(HttpRequest.newBuilder(URI.create(api.webhookUrl()))
        .header("Content-Type", "application/webhook+json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"room_finished\",\"room\":{\"name\":\"x\"}}")),
        "X-API-KEY", "", "Authorization", "not-a-token");
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(unsigned.json().get("error").asString()).isEqualTo("Authentication Error");
  }

  @Test
  void aForgedRoomFinishedChangesNothing() {
    String roomId = stack.roomWithParticipant("forged");
    RoomsApiTest.awaitRoomStatus(roomId, "active_meeting");
    Backend.Response forged = api.send(HttpRequest.newBuilder(URI.create(api.webhookUrl()))
        .header("Content-Type", "application/webhook+json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"room_finished\",\"room\":{\"name\":\"" + roomId
            + "\"}}")), "X-API-KEY", Backend.API_KEY);
    assertThat(forged.status()).isEqualTo(401);
    assertThat(api.get("/rooms/" + roomId).json().get("status").asString()).isEqualTo("active_meeting");
  }

  @Test
  void aRoomEventSignedWithTheRotationKeyMovesTheRoomStatus() throws Exception {
    String roomId = stack.roomWithParticipant("rotated");
    RoomsApiTest.awaitRoomStatus(roomId, "active_meeting");
    byte[] body = ("{\"event\":\"room_finished\",\"id\":\"EV_rotated\",\"createdAt\":\""
        + java.time.Instant.now().getEpochSecond() + "\",\"room\":{\"name\":\"" + roomId + "\"}}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String token = sign(body, "nextkey", "next-secret");

    Backend.Response answer = api.send(HttpRequest.newBuilder(URI.create(api.webhookUrl()))
        .header("Content-Type", "application/webhook+json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)), "X-API-KEY", "", "Authorization", token);

    assertThat(answer.status()).isEqualTo(200);
    RoomsApiTest.awaitRoomStatus(roomId, "open");
  }

  /** LiveKit's webhook token: a bare HS256 JWT by the API key whose sha256 claim is the body's hash. */
  static String sign(byte[] body, String apiKey, String apiSecret) throws Exception {
    Instant now = Instant.now();
    return JWT.create().withIssuer(apiKey).withNotBefore(now).withExpiresAt(now.plusSeconds(300))
        .withClaim("sha256", Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body)))
        .sign(Algorithm.HMAC256(apiSecret));
  }

  private static Backend.Response postWebhook(byte[] body, String token) {
    return api.send(HttpRequest.newBuilder(URI.create(api.webhookUrl()))
        .header("Content-Type", "application/webhook+json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)), "X-API-KEY", "", "Authorization", token);
  }

  /** A room_started of an empty room, padded through the room's metadata to exactly {@code size} bytes. */
  private static byte[] roomStartedOfSize(int size) {
    String head = "{\"event\":\"room_started\",\"id\":\"EV_big" + size + "\",\"createdAt\":\""
        + Instant.now().getEpochSecond() + "\",\"room\":{\"name\":\"padded\",\"metadata\":\"";
    String tail = "\"}}";
    return (head + "a".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aLiveKitWebhookOf1MiBIsHandledAndOneByteMoreIs413WithAJsonBody() throws Exception {
    byte[] limit = roomStartedOfSize(1024 * 1024);
    Backend.Response handled = postWebhook(limit, sign(limit, stack.emulator.apiKey(), stack.emulator.apiSecret()));
    assertThat(handled.status()).as(handled.toString()).isEqualTo(200);

    byte[] over = roomStartedOfSize(1024 * 1024 + 1);
    Backend.Response refused = postWebhook(over, sign(over, stack.emulator.apiKey(), stack.emulator.apiSecret()));
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.header("Content-Type")).startsWith("application/json");
    assertThat(refused.json().get("error").asString()).isEqualTo("Payload Too Large");
    assertThat(refused.json().get("message").asString()).isEqualTo("The request body is larger than 1 MiB");
  }

  @Test
  void aLiveKitWebhookHandledPastTheEnginesDeadlineIs503AndLiveKitsRedeliveryIsApplied() throws Exception {
    String roomId = stack.roomWithParticipant("slow webhook");
    Backend.Response started = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String recordingId = started.json().get("recordingId").asString();
    // room_finished of a room whose lock is bound to an egress asks LiveKit about that egress (ListEgress): LiveKit
    // now holds that answer until the fault is lifted, longer than the deadline (Stack: 2s).
    byte[] body = ("{\"event\":\"room_finished\",\"id\":\"EV_slow\",\"createdAt\":\""
        + Instant.now().getEpochSecond() + "\",\"room\":{\"name\":\"" + roomId + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
    String token = sign(body, stack.emulator.apiKey(), stack.emulator.apiSecret());
    stack.emulator.faults().loseAnswer("Egress/ListEgress", LostAnswer.TIMEOUT);
    Backend.Response late;
    try {
      late = postWebhook(body, token);
    } finally {
      stack.emulator.faults().loseAnswer("Egress/ListEgress", LostAnswer.NONE);
    }
    assertThat(late.status()).isEqualTo(503);
    assertThat(late.json().get("error").asString()).isEqualTo("Service Unavailable");
    assertThat(late.json().get("message").asString()).isEqualTo("not handled within PT2S, a dependency is slow");

    Backend.Response redelivered = postWebhook(body, token);
    assertThat(redelivered.status()).as(redelivered.toString()).isEqualTo(200);
    assertThat(redelivered.json().get("message").asString()).contains("still runs");
    assertThat(api.post("/recordings/" + recordingId + "/stop", "").status()).isEqualTo(202);
    stack.awaitStatus(recordingId, "complete");
  }

  @Test
  void anUnexpectedFailureIs500WithTheGenericMessageOnly() {
    String roomId = api.post("/rooms", "{}").json().get("roomId").asString();
    String key = "openvidu-meet/rooms/" + roomId + "/" + roomId + ".json";
    try (S3Client client = stack.s3Client()) {
      // Not an outage: the stored room is not a room (written by hand, a tool, a bug of another version).
      client.putObject(b -> b.bucket(stack.s3.bucket()).key(key), RequestBody.fromString("{\"roomId\": <broken"));
      stack.evictCachedRoom(roomId);
      try {
        Backend.Response response = api.get("/rooms/" + roomId);

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.text())
            .isEqualTo("{\"error\":\"Internal Server Error\",\"message\":\"Unexpected error\"}");
      } finally {
        // Other test classes share the bucket: a room that cannot be read would fail their listings.
        client.deleteObject(b -> b.bucket(stack.s3.bucket()).key(key));
      }
    }
  }

  @Test
  void aLiveKitOutageIs503NamingLiveKitAndCreatesNothing() {
    stack.emulator.startOutage();
    try {
      Backend.Response response = api.post("/rooms", "{\"roomName\":\"outage\"}");
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.json().get("error").asString()).isEqualTo("LiveKit Error");
    } finally {
      stack.emulator.endOutage();
    }
    assertThat(api.get("/rooms?maxItems=100").text()).doesNotContain("\"roomName\":\"outage\"");
  }

  @Test
  void aStorageOutageIs503NamingTheStorage() {
    String roomId = api.post("/rooms", "{}").json().get("roomId").asString();
    String uncached = api.post("/rooms", "{}").json().get("roomId").asString();
    stack.evictCachedRoom(uncached);
    stack.s3.stop();
    try {
      assertThat(api.get("/rooms/" + roomId).status()).as("a room cached in Redis").isEqualTo(200);
      Backend.Response room = api.get("/rooms/" + uncached);
      assertThat(room.status()).isEqualTo(503);
      assertThat(room.json().get("error").asString()).isEqualTo("Storage Error");
      Backend.Response recordings = api.get("/recordings");
      assertThat(recordings.status()).isEqualTo(503);
      assertThat(recordings.json().get("error").asString()).isEqualTo("Storage Error");
    } finally {
      stack.s3.start();
    }
    assertThat(api.get("/rooms/" + roomId).status()).isEqualTo(200);
  }

  @Test
  void theDocumentationIsOpenWithoutTheKey() {
    Backend.Response document = api.get("/openapi.json", "X-API-KEY", "");
    assertThat(document.status()).isEqualTo(200);
    assertThat(document.json().get("openapi").asString()).startsWith("3.");
    Backend.Response ui = api.send(HttpRequest.newBuilder(URI.create(api.api + "/docs")).GET(), "X-API-KEY", "");
    assertThat(ui.status()).isIn(200, 302);
  }
}
