package dev.meet.app;

import static dev.meet.app.RoomsApiTest.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.meet.core.webhooks.WebhookSigner;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The {@code /webhooks} resource over HTTP, with a real receiver on loopback: registration rules, signed recording
 * and meeting events from a real recording on the emulator, deliveries, test and redelivery.
 */
class WebhooksApiTest extends StackTest {

  private HttpServer receiver;
  private final List<Map.Entry<Map<String, List<String>>, String>> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger answer = new AtomicInteger(204);

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext("/hook", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        received.add(Map.entry(Map.copyOf(exchange.getRequestHeaders()),
            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        exchange.sendResponseHeaders(answer.get(), -1);
      }
    });
    receiver.start();
  }

  @AfterEach
  void removeWebhooks() {
    receiver.stop(0);
    for (JsonNode webhook : api.get("/webhooks").json().get("webhooks")) {
      String id = webhook.get("webhookId").asString();
      if (!id.equals("default")) {
        assertThat(api.delete("/webhooks/" + id).status()).isEqualTo(204);
      }
    }
  }

  private String receiverUrl() {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  private List<String> events() {
    List<String> events = new ArrayList<>();
    received.forEach(r -> events.add(Backend.JSON.readTree(r.getValue()).get("event").asString()));
    return events;
  }

  private JsonNode register(String body) {
    Backend.Response created = api.post("/webhooks", body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json();
  }

  @Test
  void aRegisteredWebhookGetsARecordingsAndItsMeetingsEventsSignedWithTheApiKey() {
    JsonNode webhook = register("{\"url\":\"" + receiverUrl() + "\"}");
    String id = webhook.get("webhookId").asString();
    assertThat(api.get("/webhooks/" + id).json()).isEqualTo(webhook);

    String recordingId = stack.completedRecording("Webhooks");

    await().atMost(Duration.ofSeconds(20)).until(() -> events().contains("recordingEnded"));
    assertThat(events()).containsSubsequence("meetingStarted", "participantJoined")
        .containsSubsequence("recordingStarted", "recordingUpdated", "recordingEnded");
    WebhookSigner signer = new WebhookSigner(Backend.API_KEY);
    assertThat(received).allSatisfy(r -> assertThat(signer.verify(Long.parseLong(r.getKey().get("X-timestamp")
        .get(0)), r.getValue(), r.getKey().get("X-signature").get(0))).isTrue());
    assertThat(received.stream().filter(r -> r.getValue().contains("\"recordingEnded\"")).findFirst().orElseThrow()
        .getValue()).contains("\"recordingId\":\"" + recordingId + "\"");

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode deliveries = api.get("/webhooks/" + id + "/deliveries?maxItems=100").json().get("deliveries");
      for (JsonNode d : deliveries) {
        if (!d.get("status").asString().equals("delivered")) {
          return false;
        }
      }
      return deliveries.size() >= 5;
    });
  }

  @Test
  void aWebhookScopedToEventsGetsOnlyThoseAndATestCallSaysHowTheReceiverAnswered() {
    String id = register("{\"url\":\"" + receiverUrl() + "\",\"events\":[\"meetingStarted\"]}")
        .get("webhookId").asString();
    stack.roomWithParticipant("Scoped");
    await().atMost(Duration.ofSeconds(10)).until(() -> events().contains("meetingStarted"));

    answer.set(503);
    Backend.Response test = api.post("/webhooks/" + id + "/test", "");
    assertThat(test.status()).as(test.toString()).isEqualTo(200);
    assertThat(test.json().get("delivered").asBoolean()).isFalse();
    assertThat(test.json().get("statusCode").asInt()).isEqualTo(503);
    assertThat(events()).containsOnly("meetingStarted", "webhookTest");
  }

  @Test
  void aFailedDeliveryIsListedAndRedeliveredOnRequest() {
    answer.set(400); // not retried: the delivery fails at once
    String id = register("{\"url\":\"" + receiverUrl() + "\",\"events\":[\"meetingStarted\"]}")
        .get("webhookId").asString();
    stack.roomWithParticipant("Redeliver");
    JsonNode failed = await().atMost(Duration.ofSeconds(10)).until(
        () -> api.get("/webhooks/" + id + "/deliveries").json().get("deliveries").get(0),
        d -> d != null && d.get("status").asString().equals("failed"));
    assertThat(failed.get("lastStatusCode").asInt()).isEqualTo(400);
    assertThat(failed.get("lastError").asString()).contains("400");
    assertThat(failed.get("event").asString()).isEqualTo("meetingStarted");

    answer.set(204);
    Backend.Response again = api.post("/webhooks/" + id + "/deliveries/" + failed.get("deliveryId").asString()
        + "/redeliver", "");
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().get("status").asString()).isEqualTo("pending");
    await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/webhooks/" + id + "/deliveries").json()
        .get("deliveries").get(0).get("status").asString().equals("delivered"));
    assertThat(api.post("/webhooks/" + id + "/deliveries/nope/redeliver", "").status()).isEqualTo(404);
  }

  @Test
  void badInputIs422NamingTheFieldAndRegistersNothing() {
    assertField(api.post("/webhooks", "{}"), "url");
    assertField(api.post("/webhooks", "{\"url\":\"ftp://example.com/x\"}"), "url");
    assertField(api.post("/webhooks", "{\"url\":\"https://user:pw@example.com/x\"}"), "url");
    assertField(api.post("/webhooks", "{\"url\":\"" + receiverUrl() + "\",\"events\":[\"recordingEnded\","
        + "\"nope\"]}"), "events[1]");
    assertField(api.post("/webhooks", "{\"url\":\"" + receiverUrl() + "\",\"roomId\":\" \"}"), "roomId");
    assertThat(api.get("/webhooks").json().get("webhooks")).isEmpty();
  }

  @Test
  void theTwentyFirstWebhookIsRefusedWithAClearError() {
    for (int i = 0; i < 20; i++) {
      register("{\"url\":\"" + receiverUrl() + "?n=" + i + "\"}");
    }
    Backend.Response refused = api.post("/webhooks", "{\"url\":\"" + receiverUrl() + "\"}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("message").asString()).contains("At most 20 webhooks");
    assertThat(api.get("/webhooks").json().get("webhooks")).hasSize(20);
  }

  @Test
  void aWebhookIsUpdatedAndDeletedAndUnknownOnesAre404() {
    String id = register("{\"url\":\"" + receiverUrl() + "\"}").get("webhookId").asString();
    Backend.Response updated = api.send(HttpRequest.newBuilder(java.net.URI.create(api.api + "/webhooks/" + id))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
            "{\"url\":\"" + receiverUrl() + "\",\"enabled\":false,\"roomId\":\"room-1\"}")));
    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    assertThat(updated.json().get("enabled").asBoolean()).isFalse();
    assertThat(updated.json().get("roomId").asString()).isEqualTo("room-1");
    assertThat(api.delete("/webhooks/" + id).status()).isEqualTo(204);
    assertThat(api.get("/webhooks/" + id).status()).isEqualTo(404);
    assertThat(api.delete("/webhooks/" + id).status()).isEqualTo(404);
    assertThat(api.get("/webhooks/nope/deliveries").status()).isEqualTo(404);
    assertThat(api.post("/webhooks/nope/test", "").status()).isEqualTo(404);
    assertField(api.delete("/webhooks/default"), "webhookId");
  }

  @Test
  void withoutTheApiKeyTheResourceIs401() {
    assertThat(api.get("/webhooks", "X-API-KEY", "").status()).isEqualTo(401);
    assertThat(api.post("/webhooks", "{\"url\":\"" + receiverUrl() + "\"}", "X-API-KEY", "wrong").status())
        .isEqualTo(401);
    assertThat(api.get("/webhooks").json().get("webhooks")).isEmpty();
  }
}
