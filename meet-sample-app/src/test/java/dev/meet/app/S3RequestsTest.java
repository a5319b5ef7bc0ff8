package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.autoconfigure.S3ClientCustomizer;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3Server;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The S3 requests the backend makes for one API call, counted by an interceptor on its own S3 client (a backend of
 * its own, with the collectors' intervals long enough that only the calls under test touch the bucket).
 */
@ExtendWith(RedisServerExtension.class)
class S3RequestsTest {

  /** Every request the backend's S3 client sent, as "OPERATION key-or-prefix". */
  static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
  /** The storage prefix of OpenVidu Meet's layout, the backend's default. */
  static final String P = "openvidu-meet/";

  static LiveKitEmulator emulator;
  static S3Server s3;
  static Backend api;

  @Configuration(proxyBeanMethods = false)
  static class Counting {
    @Bean
    S3ClientCustomizer countingS3Requests() {
      return builder -> builder.overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
          REQUESTS.add(describe(context.request()));
        }
      }));
    }
  }

  static String describe(SdkRequest request) {
    if (request instanceof GetObjectRequest r) {
      return "GET " + r.key();
    }
    if (request instanceof HeadObjectRequest r) {
      return "HEAD " + r.key();
    }
    if (request instanceof PutObjectRequest r) {
      return "PUT " + r.key();
    }
    if (request instanceof DeleteObjectRequest r) {
      return "DELETE " + r.key();
    }
    if (request instanceof ListObjectsV2Request r) {
      return "LIST " + r.prefix();
    }
    return request.getClass().getSimpleName();
  }

  @BeforeAll
  static void start(RedisServer redis) {
    s3 = S3Server.startPrivate();
    emulator = LiveKitEmulator.builder().defaultS3(Stack.egressStorage(s3)).activationDelay(Duration.ofMillis(200))
        .endingDelay(Duration.ofMillis(100)).webhookRetryBase(Duration.ofMillis(50)).build().start();
    Map<String, String> settings = new LinkedHashMap<>(Stack.settings(emulator, redis, s3));
    settings.put("meet.backend.room-collector-interval", "1h");
    settings.put("meet.collectors.interval", "1h");
    api = Backend.start(settings, Counting.class);
    emulator.addWebhookUrl(URI.create(api.webhookUrl()));
  }

  @AfterAll
  static void stop() {
    api.close();
    emulator.close();
    s3.close();
  }

  /** The requests since {@code from} that concern this room (its object, its recordings, the purge marks). */
  static List<String> requestsOf(String roomId, int from) {
    return REQUESTS.subList(from, REQUESTS.size()).stream()
        .filter(r -> r.contains(roomId) || r.contains("rooms/.purge/")).toList();
  }

  @Test
  void deletingARoomWithoutRecordingsListsItsRecordingsAndDeletesItOnly() throws Exception {
    String roomId = api.post("/rooms", "{\"roomName\":\"counted\"}").json().get("roomId").asString();
    emulator.awaitWebhooksIdle(Duration.ofSeconds(10));
    int from = REQUESTS.size();

    assertThat(api.delete("/rooms/" + roomId).status()).isEqualTo(200);
    // The room_finished that follows the LiveKit room's deletion is answered too.
    emulator.awaitWebhooksIdle(Duration.ofSeconds(10));

    assertThat(emulator.webhookDeliveries("room_finished")).anyMatch(d -> d.statusCode() == 200
        && new String(d.body(), StandardCharsets.UTF_8).contains(roomId));

    // The room itself is read from Redis, where its creation cached it.
    String room = P + "rooms/" + roomId + "/" + roomId + ".json";
    assertThat(requestsOf(roomId, from)).containsExactly(
        "LIST " + P + "recordings/.metadata/" + roomId + "/",
        "DELETE " + room);
  }

  @Test
  void aRoomIsReadFromTheCacheAfterItsCreationAndAfterEachChange() throws Exception {
    int from = REQUESTS.size();
    String roomId = api.post("/rooms", "{\"roomName\":\"cached\"}").json().get("roomId").asString();
    emulator.awaitWebhooksIdle(Duration.ofSeconds(10));
    assertThat(api.get("/rooms/" + roomId).json().get("status").asString()).isEqualTo("open");
    emulator.addParticipant(roomId, "alice", true);
    emulator.awaitWebhooksIdle(Duration.ofSeconds(10));
    assertThat(api.get("/rooms/" + roomId).json().get("status").asString()).isEqualTo("active_meeting");

    // The creation's PUT, then participant_joined read the room from the cache and wrote it once; no GET reached S3.
    String room = P + "rooms/" + roomId + "/" + roomId + ".json";
    assertThat(requestsOf(roomId, from)).containsExactly("PUT " + room, "PUT " + room);
  }

  @Test
  void deletingARoomWithRecordingsWritesThePurgeMarkBeforeTheRoomGoesAndClearsItAfter() {
    String roomId = api.post("/rooms", "{\"roomName\":\"purged\"}").json().get("roomId").asString();
    emulator.addParticipant(roomId, "alice", true);
    Backend.Response started = api.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String recordingId = started.json().get("recordingId").asString();
    assertThat(api.post("/recordings/" + recordingId + "/stop", "").status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        api.get("/recordings/" + recordingId).json().get("status").asString().equals("complete"));
    int from = REQUESTS.size();

    Backend.Response deleted = api.delete("/rooms/" + roomId + "?withMeeting=force&withRecordings=force");
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);

    List<String> requests = requestsOf(roomId, from);
    String room = P + "rooms/" + roomId + "/" + roomId + ".json";
    String mark = P + "rooms/.purge/" + roomId;
    assertThat(requests).containsSubsequence("PUT " + mark, "DELETE " + room, "DELETE " + mark)
        .doesNotContain("HEAD " + room);
    assertThat(api.get("/recordings/" + recordingId).status()).isEqualTo(404);
  }
}
