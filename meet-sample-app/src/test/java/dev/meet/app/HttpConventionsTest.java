package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** The conventions every call follows: the API key, JSON error bodies, the body limit, the webhook's own auth. */
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
    java.time.Instant now = java.time.Instant.now();
    String token = com.auth0.jwt.JWT.create().withIssuer("nextkey").withNotBefore(now)
        .withExpiresAt(now.plusSeconds(300))
        .withClaim("sha256", java.util.Base64.getEncoder().encodeToString(
            java.security.MessageDigest.getInstance("SHA-256").digest(body)))
        .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256("next-secret"));

    Backend.Response answer = api.send(HttpRequest.newBuilder(URI.create(api.webhookUrl()))
        .header("Content-Type", "application/webhook+json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)), "X-API-KEY", "", "Authorization", token);

    assertThat(answer.status()).isEqualTo(200);
    RoomsApiTest.awaitRoomStatus(roomId, "open");
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
    stack.s3.stop();
    try {
      Backend.Response room = api.get("/rooms/" + roomId);
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
