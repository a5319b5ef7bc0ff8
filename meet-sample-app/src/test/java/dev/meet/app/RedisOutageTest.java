package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.app.rooms.RoomService;
import dev.meet.autoconfigure.RedissonClientCustomizer;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.s3.S3Server;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.config.ConstantDelay;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A backend on a Redis of its own, which the test stops (connection refused) and starts again: every call that needs
 * Redis answers 503 naming it, nothing else breaks, and the backend works again once Redis is back.
 */
class RedisOutageTest {

  static RedisServer redis;
  static S3Server s3;
  static LiveKitEmulator emulator;
  static Backend backend;

  @BeforeAll
  static void start() {
    redis = RedisServer.startPrivate();
    s3 = S3Server.startPrivate();
    emulator = LiveKitEmulator.builder().defaultS3(Stack.egressStorage(s3)).activationDelay(Duration.ofMillis(200))
        .endingDelay(Duration.ofMillis(100)).webhookRetryBase(Duration.ofMillis(50)).build().start();
    backend = Backend.start(Stack.settings(emulator, redis, s3), FailFastRedis.class);
    emulator.addWebhookUrl(URI.create(backend.webhookUrl()));
  }

  @AfterAll
  static void stop() {
    backend.close();
    emulator.close();
    s3.close();
    redis.close();
  }

  /** Short Redis timeouts and no retries, through the starter's customizer, so that an outage fails a call fast. */
  @Configuration(proxyBeanMethods = false)
  static class FailFastRedis {
    @Bean
    RedissonClientCustomizer failFast() {
      return config -> config.useSingleServer().setConnectTimeout(500).setTimeout(500).setRetryAttempts(0)
          .setReconnectionDelay(new ConstantDelay(Duration.ofMillis(50)));
    }
  }

  private static String roomWithParticipant(String name) {
    Backend.Response created = backend.post("/rooms", "{\"roomName\":\"" + name + "\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String roomId = created.json().get("roomId").asString();
    emulator.addParticipant(roomId, "alice", true);
    return roomId;
  }

  private static void assertRedisError(Backend.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(503);
    assertThat(response.json().get("error").asString()).isEqualTo("Redis Error");
    assertThat(response.json().get("message").asString()).contains("Redis");
  }

  @Test
  void withRedisDownStartStopAndWebhooksAre503NamingRedisAndAllWorksAgainOnceItIsBack() {
    String recording = roomWithParticipant("before outage");
    String waiting = roomWithParticipant("during outage");
    String idle = backend.post("/rooms", "{\"roomName\":\"idle\"}").json().get("roomId").asString();
    Backend.Response started = backend.post("/recordings", "{\"roomId\":\"" + recording + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String recordingId = started.json().get("recordingId").asString();

    redis.stop();
    try {
      assertRedisError(backend.post("/recordings", "{\"roomId\":\"" + waiting + "\"}"));
      assertRedisError(backend.post("/recordings/" + recordingId + "/stop", ""));
      assertRedisError(backend.get("/webhooks"));
      assertThat(backend.get("/rooms/" + waiting).status()).as("rooms live in the bucket, not in Redis")
          .isEqualTo(200);
      // A change would leave the room cached in Redis older than in the bucket: refused, and nothing changes.
      assertRedisError(backend.delete("/rooms/" + idle));
      assertThat(backend.get("/rooms/" + idle).status()).isEqualTo(200);
    } finally {
      redis.start();
    }

    // Back, with an empty data set: the recording still stops, and a new one starts.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(backend.post("/recordings/" + recordingId + "/stop", "").status()).isEqualTo(202));
    Backend.Response again = backend.post("/recordings", "{\"roomId\":\"" + waiting + "\"}");
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(backend.post("/recordings/" + again.json().get("recordingId").asString() + "/stop", "").status())
        .isEqualTo(202);
    assertThat(backend.delete("/rooms/" + idle).status()).isEqualTo(200);
    assertThat(backend.get("/rooms/" + idle).status()).isEqualTo(404);
  }

  @Test
  void aDeleteRefusedForRedisLeavesTheRoomsRecordingsAlone() {
    String roomId = backend.post("/rooms", "{\"roomName\":\"kept\"}").json().get("roomId").asString();
    emulator.addParticipant(roomId, "alice", true);
    Backend.Response started = backend.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String recordingId = started.json().get("recordingId").asString();
    assertThat(backend.post("/recordings/" + recordingId + "/stop", "").status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        backend.get("/recordings/" + recordingId).json().get("status").asString().equals("complete"));

    redis.stop();
    Backend.Response refused;
    try {
      refused = backend.delete("/rooms/" + roomId + "?withMeeting=force&withRecordings=force");
    } finally {
      redis.start();
    }
    assertThat(refused.status()).as(refused.toString()).isEqualTo(503);

    backend.bean(RoomService.class).collect(); // what the room collector does on its next run

    assertThat(backend.get("/rooms/" + roomId).status()).isEqualTo(200);
    assertThat(backend.get("/recordings/" + recordingId).status()).as("the recording of a room still there")
        .isEqualTo(200);
  }
}
