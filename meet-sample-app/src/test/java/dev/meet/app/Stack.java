package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.S3Target;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The production-like stack the HTTP tests share: the LiveKit emulator (fast egress timings), a real Redis and an
 * s3proxy bucket, and one backend configured onto them through OpenVidu's variables. Started once per test JVM, on
 * the first test class that asks, and stopped when the JVM exits.
 */
final class Stack {

  private static Stack shared;

  final LiveKitEmulator emulator;
  final RedisServer redis;
  final S3Server s3;
  final Backend backend;

  private Stack(RedisServer redis) {
    this.redis = redis;
    // Its own s3proxy: the extension's buckets are emptied after each test class, this one lives for the run.
    this.s3 = S3Server.startPrivate();
    // The egress writes into the bucket with its own storage configuration, as OpenVidu's deployments do.
    this.emulator = LiveKitEmulator.builder()
        .defaultS3(egressStorage(s3))
        .activationDelay(Duration.ofMillis(200))
        .endingDelay(Duration.ofMillis(100))
        .webhookRetryBase(Duration.ofMillis(50))
        .build()
        .start();
    this.backend = Backend.start(settings(emulator, redis, s3));
    emulator.addWebhookUrl(java.net.URI.create(backend.webhookUrl()));
  }

  static synchronized Stack get(RedisServer redis) {
    if (shared == null) {
      shared = new Stack(redis);
      Stack stack = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stack.backend.close();
        stack.emulator.close();
        stack.s3.close();
      }));
    }
    return shared;
  }

  /** Creates a room over the API and joins a publishing participant in the emulator. */
  String roomWithParticipant(String name) {
    Backend.Response created = backend.post("/rooms", "{\"roomName\":\"" + name + "\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String roomId = created.json().get("roomId").asString();
    emulator.addParticipant(roomId, "alice", true);
    return roomId;
  }

  /** A recording of a new room, started, stopped and complete. */
  String completedRecording(String roomName) {
    String roomId = roomWithParticipant(roomName);
    Backend.Response started = backend.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String id = started.json().get("recordingId").asString();
    assertThat(backend.post("/recordings/" + id + "/stop", "").status()).isEqualTo(202);
    awaitStatus(id, "complete");
    return id;
  }

  /**
   * Drops a room from the backend's Redis cache (as its expiry would), so that the next read goes to the bucket: for
   * tests that change the bucket behind the backend's back.
   */
  void evictCachedRoom(String roomId) {
    backend.bean(org.redisson.api.RedissonClient.class)
        .getBucket("meet:room:" + s3.bucket() + ":openvidu-meet/" + roomId).delete();
  }

  /** A client of the stack's bucket, to look at (or tamper with) what the backend stored. */
  S3Client s3Client() {
    return S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region())).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(),
            s3.secretKey()))).build();
  }

  void awaitStatus(String recordingId, String status) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        backend.get("/recordings/" + recordingId).json().get("status").asString()).isEqualTo(status));
  }

  /** The emulated egress's own storage configuration for the bucket (the backend sends no credentials to LiveKit). */
  static S3Target egressStorage(S3Server s3) {
    return new S3Target(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), s3.bucket(), true);
  }

  /**
   * A backend's settings against these servers, as environment variables of OpenVidu Meet would give them.
   *
   * @param redis null for none: the caller configures Redis its own way
   */
  static Map<String, String> settings(LiveKitEmulator emulator, @Nullable RedisServer redis, S3Server s3) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("MEET_API_KEY", Backend.API_KEY);
    settings.put("LIVEKIT_URL", emulator.url());
    settings.put("LIVEKIT_API_KEY", emulator.apiKey());
    settings.put("LIVEKIT_API_SECRET", emulator.apiSecret());
    if (redis != null) {
      settings.put("MEET_REDIS_HOST", redis.host());
      settings.put("MEET_REDIS_PORT", String.valueOf(redis.port()));
    }
    settings.put("MEET_S3_BUCKET", s3.bucket());
    settings.put("MEET_S3_SERVICE_ENDPOINT", s3.endpoint().toString());
    settings.put("MEET_S3_ACCESS_KEY", s3.accessKey());
    settings.put("MEET_S3_SECRET_KEY", s3.secretKey());
    settings.put("MEET_AWS_REGION", s3.region());
    settings.put("MEET_S3_WITH_PATH_STYLE_ACCESS", "true");
    settings.put("meet.recording.start-timeout", "5s");
    settings.put("meet.backend.room-collector-interval", "300ms");
    settings.put("meet.collectors.interval", "1s");
    // The grace must cover a LiveKit call and the start timeout (plus a margin), or the build refuses it.
    settings.put("meet.livekit.call-timeout", "5s");
    settings.put("meet.collectors.grace", "15s");
    // The engine's webhook deadline, under the LiveKit call timeout so that a held LiveKit answer meets it first.
    settings.put("meet.livekit.webhook.deadline", "2s");
    // A second LiveKit key accepted on webhooks, as during a key rotation.
    settings.put("meet.livekit.webhook.additional-keys[nextkey]", "next-secret");
    return settings;
  }
}
