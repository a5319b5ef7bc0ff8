package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.autoconfigure.app.TestApplication;
import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.engine.RecordingManager;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.WebhookDelivery;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of one application, each a Spring Boot context with its own web server, sharing one Redis and one
 * bucket; LiveKit sends its webhooks to instance B only, as a load balancer might.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class TwoInstancesTest {

  private static LiveKitEmulator emulator;
  private static ConfigurableApplicationContext instanceA;
  private static ConfigurableApplicationContext instanceB;
  private static RecordingManager a;
  private static RecordingManager b;
  private static URI webhooksOfB;

  @BeforeAll
  static void startTwoInstances(RedisServer redis, S3Server s3) {
    // The egress writes into the bucket with its own storage configuration, as in production: the instances send no
    // credentials to LiveKit.
    emulator = LiveKitEmulator.builder()
        .defaultS3(TestS3.egressStorage(s3))
        .activationDelay(Duration.ofMillis(300))
        .endingDelay(Duration.ofMillis(100))
        .webhookRetryBase(Duration.ofMillis(100))
        .build()
        .start();
    Map<String, Object> shared = new LinkedHashMap<>();
    shared.put("server.port", "0");
    shared.put("server.address", "127.0.0.1");
    shared.put("meet.livekit.url", emulator.url());
    shared.put("meet.livekit.api-key", emulator.apiKey());
    shared.put("meet.livekit.api-secret", emulator.apiSecret());
    shared.put("meet.recording.start-timeout", "10s");
    for (String property : concat(TestRedis.isolated(redis.uri()), TestS3.properties(s3))) {
      String[] nameAndValue = property.split("=", 2);
      shared.put(nameAndValue[0], nameAndValue[1]);
    }
    instanceA = start(shared, "instance-a");
    instanceB = start(shared, "instance-b");
    a = instanceA.getBean(RecordingManager.class);
    b = instanceB.getBean(RecordingManager.class);
    int portOfB = ((WebServerApplicationContext) instanceB).getWebServer().getPort();
    webhooksOfB = URI.create("http://127.0.0.1:" + portOfB + "/livekit/webhook");
    emulator.addWebhookUrl(webhooksOfB);
  }

  private static ConfigurableApplicationContext start(Map<String, Object> shared, String instanceId) {
    Map<String, Object> properties = new LinkedHashMap<>(shared);
    properties.put("meet.instance-id", instanceId);
    return new SpringApplicationBuilder(TestApplication.class).main(TestApplication.class).properties(properties).run();
  }

  private static String[] concat(String[] first, String[] second) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(second));
    return all.toArray(String[]::new);
  }

  @AfterAll
  static void stopInstances() {
    if (instanceA != null) {
      instanceA.close();
    }
    if (instanceB != null) {
      instanceB.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  private static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void stopAndAwaitComplete(RecordingManager manager, Recording recording) {
    manager.stop(recording.recordingId());
    await().atMost(Duration.ofSeconds(10)).until(
        () -> manager.get(recording.recordingId()).orElseThrow().status() == RecordingStatus.COMPLETE);
  }

  @Test
  void concurrentStartsOfOneRoomOnBothInstancesLetExactlyOneWin() throws Exception {
    String room = room();
    emulator.addParticipant(room, "alice", true);
    CountDownLatch ready = new CountDownLatch(2);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      List<Future<Object>> outcomes = new ArrayList<>();
      for (RecordingManager instance : List.of(a, b)) {
        outcomes.add(callers.submit(() -> {
          ready.countDown();
          go.await();
          try {
            return instance.start(room, StartOptions.defaults());
          } catch (RecordingException e) {
            return e.reason();
          }
        }));
      }
      ready.await();
      go.countDown();
      List<Object> results = new ArrayList<>();
      for (Future<Object> outcome : outcomes) {
        results.add(outcome.get());
      }

      assertThat(results).filteredOn(Recording.class::isInstance).hasSize(1)
          .allSatisfy(won -> assertThat(((Recording) won).status()).isEqualTo(RecordingStatus.ACTIVE));
      assertThat(results).filteredOn(RecordingException.Reason.class::isInstance)
          .containsExactly(RecordingException.Reason.ALREADY_RECORDING);
      assertThat(emulator.egresses()).filteredOn(egress -> egress.getRoomName().equals(room)).hasSize(1);
      Recording winner = (Recording) results.stream().filter(Recording.class::isInstance).findFirst().orElseThrow();
      stopAndAwaitComplete(a, winner);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aStartOnAIsActiveThroughTheSignalOverRedisWhileTheWebhooksGoToB() {
    String room = room();
    emulator.addParticipant(room, "alice", true);

    Recording recording = a.start(room, StartOptions.defaults());

    assertThat(recording.status()).isEqualTo(RecordingStatus.ACTIVE);
    String egressId = RecordingId.parse(recording.recordingId()).egressId();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(emulator.webhookDeliveries())
        .filteredOn(delivery -> new String(delivery.body(), StandardCharsets.UTF_8).contains(egressId))
        .extracting(WebhookDelivery::event).contains("egress_started", "egress_updated"));
    assertThat(emulator.webhookDeliveries()).extracting(WebhookDelivery::target).containsOnly(webhooksOfB);
    assertThat(b.get(recording.recordingId())).hasValueSatisfying(
        seenByB -> assertThat(seenByB.status()).isEqualTo(RecordingStatus.ACTIVE));

    stopAndAwaitComplete(a, recording);
    CompletableFuture<Recording> next = a.startAsync(room, StartOptions.defaults());
    assertThat(next).succeedsWithin(Duration.ofSeconds(10))
        .satisfies(again -> stopAndAwaitComplete(b, again));
  }
}
