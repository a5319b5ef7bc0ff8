package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.app.rooms.RoomService;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.s3.S3Server;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A room deletion refused because Redis is down (503) changes nothing, the room's recordings included. */
class RedisOutagePurgeMarkTest {

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
    Map<String, String> settings = new LinkedHashMap<>(Stack.settings(emulator, redis, s3));
    settings.put("meet.backend.room-collector-interval", "1h");
    backend = Backend.start(settings, RedisOutageTest.FailFastRedis.class);
    emulator.addWebhookUrl(URI.create(backend.webhookUrl()));
  }

  @AfterAll
  static void stop() {
    backend.close();
    emulator.close();
    s3.close();
    redis.close();
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
