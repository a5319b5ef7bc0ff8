package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3Server;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two backends sharing Redis and a bucket behind one LiveKit: instance A takes the API calls, LiveKit's webhooks go
 * to instance B only, and everything still works (the "active" signal and all state cross through Redis and S3).
 */
@ExtendWith(RedisServerExtension.class)
class TwoInstancesTest {

  static LiveKitEmulator emulator;
  static S3Server s3;
  static Backend a;
  static Backend b;

  @BeforeAll
  static void start(RedisServer redis) throws Exception {
    s3 = S3Server.startPrivate();
    emulator = LiveKitEmulator.builder().defaultS3(Stack.egressStorage(s3)).activationDelay(Duration.ofMillis(200))
        .endingDelay(Duration.ofMillis(100)).webhookRetryBase(Duration.ofMillis(50)).build().start();
    CompletableFuture<Backend> first = CompletableFuture.supplyAsync(() -> Backend.start(Stack.settings(emulator,
        redis, s3)));
    b = Backend.start(Stack.settings(emulator, redis, s3));
    a = first.get();
    emulator.addWebhookUrl(URI.create(b.webhookUrl()));
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    emulator.close();
    s3.close();
  }

  @Test
  void aStartOnOneInstanceCompletesWithTheWebhooksOnTheOther() {
    String roomId = a.post("/rooms", "{\"roomName\":\"shared\"}").json().get("roomId").asString();
    assertThat(b.get("/rooms/" + roomId).status()).isEqualTo(200);
    emulator.addParticipant(roomId, "alice", true);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        a.get("/rooms/" + roomId).json().get("status").asString().equals("active_meeting"));

    Backend.Response started = a.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    assertThat(started.json().get("status").asString()).isEqualTo("active");
    String id = started.json().get("recordingId").asString();
    assertThat(b.post("/recordings", "{\"roomId\":\"" + roomId + "\"}").status()).isEqualTo(409);

    assertThat(b.post("/recordings/" + id + "/stop", "").status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        a.get("/recordings/" + id).json().get("status").asString().equals("complete"));
    Backend.Response media = a.get("/recordings/" + id + "/media", "Range", "bytes=0-7");
    assertThat(media.status()).isEqualTo(206);
    assertThat(a.delete("/recordings/" + id).status()).isEqualTo(200);
    assertThat(b.get("/recordings/" + id).status()).isEqualTo(404);
  }

  @Test
  void aRoomChangedOrDeletedOnOneInstanceIsReadAsItIsNowOnTheOther() {
    String roomId = a.post("/rooms", "{\"roomName\":\"cached\"}").json().get("roomId").asString();
    assertThat(b.get("/rooms/" + roomId).json().get("status").asString()).isEqualTo("open");
    emulator.addParticipant(roomId, "alice", true);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        a.get("/rooms/" + roomId).json().get("status").asString().equals("active_meeting"));

    assertThat(a.delete("/rooms/" + roomId + "?withMeeting=force").status()).isEqualTo(200);
    assertThat(b.get("/rooms/" + roomId).status()).isEqualTo(404);
  }

  @Test
  void concurrentStartsOnBothInstancesLetExactlyOneWin() throws Exception {
    String roomId = a.post("/rooms", "{\"roomName\":\"race\"}").json().get("roomId").asString();
    emulator.addParticipant(roomId, "alice", true);
    CyclicBarrier barrier = new CyclicBarrier(2);
    List<CompletableFuture<Backend.Response>> starts = List.of(a, b).stream().map(backend ->
        CompletableFuture.supplyAsync(() -> {
          try {
            barrier.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return backend.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
        })).toList();
    List<Integer> statuses = starts.stream().map(f -> f.join().status()).sorted().toList();
    assertThat(statuses).containsExactly(201, 409);
  }
}
