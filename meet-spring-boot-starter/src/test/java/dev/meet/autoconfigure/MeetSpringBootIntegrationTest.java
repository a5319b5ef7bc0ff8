package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.autoconfigure.app.TestApplication;
import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.redis.RedisRecordingLockProvider;
import dev.meet.core.storage.MediaContent;
import dev.meet.core.testing.WebhookEndpoint;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.WebhookDelivery;
import dev.meet.testkit.livekit.WebhookTokenFault;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Spring Boot application with nothing but the starter, on a random port, against the LiveKit emulator, a real Redis
 * configured the Boot way ({@code spring.data.redis.url}) and s3proxy, with Spring Security on the classpath (Boot's
 * default chain guards everything else): a whole recording runs through the HTTP webhook endpoint.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-components=always",
        "meet.recording.start-timeout=10s"})
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
@DirtiesContext
class MeetSpringBootIntegrationTest {

  private static LiveKitEmulator emulator;

  private static RedisServer redis;
  private static S3Server s3;
  private static URI webhookUrl;

  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort
  int port;

  @Autowired
  RecordingManager manager;

  @Autowired
  RecordingLockProvider locks;

  @Autowired
  RedissonClient redisson;

  @BeforeAll
  static void servers(RedisServer sharedRedis, S3Server bucket) {
    redis = sharedRedis;
    s3 = bucket;
    // The egress writes into the bucket with its own storage configuration: the starter sends no credentials.
    emulator = LiveKitEmulator.builder()
        .defaultS3(TestS3.egressStorage(bucket))
        .activationDelay(Duration.ofMillis(300))
        .endingDelay(Duration.ofMillis(100))
        .webhookRetryBase(Duration.ofMillis(100))
        .build()
        .start();
  }

  @DynamicPropertySource
  static void meet(DynamicPropertyRegistry registry) {
    registry.add("meet.livekit.url", () -> emulator.url());
    registry.add("meet.livekit.api-key", () -> emulator.apiKey());
    registry.add("meet.livekit.api-secret", () -> emulator.apiSecret());
    registry.add("spring.data.redis.url", redis::uri);
    String[] redisProperties = TestRedis.isolated(redis.uri());
    for (String property : redisProperties) {
      String[] nameAndValue = property.split("=", 2);
      if (!nameAndValue[0].equals("meet.redis.url")) {
        registry.add(nameAndValue[0], () -> nameAndValue[1]);
      }
    }
    registry.add("meet.storage.s3.bucket", s3::bucket);
    registry.add("meet.storage.s3.endpoint", s3::endpoint);
    registry.add("meet.storage.s3.region", s3::region);
    registry.add("meet.storage.s3.access-key", s3::accessKey);
    registry.add("meet.storage.s3.secret-key", s3::secretKey);
  }

  /** LiveKit's webhook.urls point at the application, whose port is known once it runs. */
  @BeforeEach
  void liveKitSendsItsWebhooksToTheApplication() {
    URI url = URI.create("http://127.0.0.1:" + port + "/livekit/webhook");
    if (!url.equals(webhookUrl)) {
      emulator.addWebhookUrl(url);
      webhookUrl = url;
    }
  }

  @AfterAll
  static void stopEmulator() {
    if (emulator != null) {
      emulator.close();
    }
  }

  private static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<WebhookDelivery> deliveriesOf(String event, String egressId) {
    return emulator.webhookDeliveries(event).stream()
        .filter(delivery -> new String(delivery.body(), StandardCharsets.UTF_8).contains(egressId))
        .toList();
  }

  @Test
  void aRecordingStartsStopsAndCompletesThroughTheWebhookEndpointWithItsMediaInTheBucket() throws Exception {
    String room = room();
    emulator.addParticipant(room, "alice", true);

    Recording recording = manager.start(room, StartOptions.defaults());

    assertThat(recording.status()).isEqualTo(RecordingStatus.ACTIVE);
    RecordingId id = RecordingId.parse(recording.recordingId());
    // No credential of ours went to LiveKit: the egress wrote with its own storage configuration.
    assertThat(emulator.egress(id.egressId()).orElseThrow().getRoomComposite().getFileOutputsList())
        .noneMatch(output -> output.hasS3());
    // The emulator records a delivery once our answer is back, which may be after the start returned.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(deliveriesOf("egress_updated", id.egressId()))
        .anySatisfy(delivery -> assertThat(delivery.statusCode()).isEqualTo(200)));

    assertThat(manager.stop(recording.recordingId()).status()).isEqualTo(RecordingStatus.ENDING);
    await().atMost(Duration.ofSeconds(10)).until(
        () -> manager.get(recording.recordingId()).orElseThrow().status() == RecordingStatus.COMPLETE);
    await().atMost(Duration.ofSeconds(5)).until(() -> locks.get(room).isEmpty());

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(deliveriesOf("egress_ended", id.egressId()))
        .extracting(WebhookDelivery::statusCode).containsExactly(200));
    String mediaKey = "openvidu-meet/recordings/" + room + "/" + room + "--" + id.uid() + ".mp4";
    long size;
    try (S3Client client = TestS3.client(s3)) {
      size = client.headObject(b -> b.bucket(s3.bucket()).key(mediaKey)).contentLength();
    }
    assertThat(size).isPositive();
    assertThat(manager.get(recording.recordingId()).orElseThrow().size()).isEqualTo(size);
    try (MediaContent media = manager.openMedia(recording.recordingId(), null);
        InputStream in = media.stream()) {
      assertThat(in.readAllBytes()).hasSize((int) size);
    }
  }

  @Test
  void theRedissonClientIsBuiltFromSpringDataRedis() {
    assertThat(redisson.getConfig().useSingleServer().getAddress()).isEqualTo(redis.uri());
    assertThat(locks).isInstanceOf(RedisRecordingLockProvider.class);
  }

  @Test
  void healthShowsTheLockStoreAndStorageUpWithLiveKitInItsOwnGroup() throws Exception {
    JsonNode root = health("/actuator/health", 200);
    for (String component : List.of("meetLockStore", "meetStorage")) {
      assertThat(root.get("components").get(component).get("status").asString()).as(component).isEqualTo("UP");
    }
    assertThat(root.get("components").has("meetLiveKit")).isFalse();

    JsonNode liveKit = health("/actuator/health/meet-livekit", 200);
    assertThat(liveKit.get("components").get("meetLiveKit").get("status").asString()).isEqualTo("UP");
  }

  @Test
  void liveKitDownTurnsItsGroupDownButNotTheApplication() throws Exception {
    emulator.startOutage();
    try {
      assertThat(health("/actuator/health", 200).get("status").asString()).isEqualTo("UP");
      assertThat(health("/actuator/health/meet-livekit", 503).get("status").asString()).isEqualTo("DOWN");
    } finally {
      emulator.endOutage();
    }
  }

  private JsonNode health(String path, int expectedStatus) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    return JsonMapper.builder().build().readTree(response.body());
  }

  @Test
  void springSecurityStillGuardsEveryOtherPath() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/livekit/other"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void webhooksWithABadSignatureAreAnswered401AndChangeNothing() {
    String room = room();
    emulator.addParticipant(room, "alice", true);
    Recording recording = manager.start(room, StartOptions.defaults());
    String egressId = RecordingId.parse(recording.recordingId()).egressId();
    emulator.faults().webhookToken(WebhookTokenFault.BAD_SIGNATURE);
    try {
      manager.stop(recording.recordingId());

      await().atMost(Duration.ofSeconds(10)).until(() -> !deliveriesOf("egress_ended", egressId).isEmpty());
    } finally {
      emulator.faults().webhookToken(WebhookTokenFault.NONE);
    }

    assertThat(deliveriesOf("egress_ended", egressId)).extracting(WebhookDelivery::statusCode).containsOnly(401);
    assertThat(emulator.egress(egressId).orElseThrow().getStatus().name()).isEqualTo("EGRESS_COMPLETE");
    assertThat(manager.get(recording.recordingId()).orElseThrow().status()).isEqualTo(RecordingStatus.ENDING);
    assertThat(locks.get(room)).hasValueSatisfying(lock -> assertThat(lock.egressId()).isEqualTo(egressId));
  }

  @Test
  void anUnsignedPostIsAnswered401WithTheReason() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(webhookUrl)
        .header("Content-Type", "application/webhook+json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"room_finished\"}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isNotBlank();
  }

  @Test
  void aBodyFarLargerThanAnyWebhookIsRefusedWith413() throws Exception {
    byte[] body = new byte[LiveKitWebhookServlet.MAX_BODY_BYTES + 1];

    HttpResponse<String> response = http.send(HttpRequest.newBuilder(webhookUrl)
        .header("Authorization", "token")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
  }
}
