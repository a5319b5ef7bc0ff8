package dev.meet.app;

import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

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

  private Stack(RedisServer redis, S3Server s3) {
    this.redis = redis;
    this.s3 = s3;
    this.emulator = LiveKitEmulator.builder()
        .activationDelay(Duration.ofMillis(200))
        .endingDelay(Duration.ofMillis(100))
        .webhookRetryBase(Duration.ofMillis(50))
        .build()
        .start();
    this.backend = Backend.start(settings(emulator, redis, s3));
    emulator.addWebhookUrl(java.net.URI.create(backend.webhookUrl()));
  }

  static synchronized Stack get(RedisServer redis, S3Server s3) {
    if (shared == null) {
      shared = new Stack(redis, s3);
      Stack stack = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stack.backend.close();
        stack.emulator.close();
      }));
    }
    return shared;
  }

  /** A backend's settings against this stack, as environment variables of OpenVidu Meet would give them. */
  static Map<String, String> settings(LiveKitEmulator emulator, RedisServer redis, S3Server s3) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("MEET_API_KEY", Backend.API_KEY);
    settings.put("LIVEKIT_URL", emulator.url());
    settings.put("LIVEKIT_API_KEY", emulator.apiKey());
    settings.put("LIVEKIT_API_SECRET", emulator.apiSecret());
    settings.put("MEET_REDIS_HOST", redis.host());
    settings.put("MEET_REDIS_PORT", String.valueOf(redis.port()));
    settings.put("MEET_S3_BUCKET", s3.bucket());
    settings.put("MEET_S3_SERVICE_ENDPOINT", s3.endpoint().toString());
    settings.put("MEET_S3_ACCESS_KEY", s3.accessKey());
    settings.put("MEET_S3_SECRET_KEY", s3.secretKey());
    settings.put("MEET_AWS_REGION", s3.region());
    settings.put("MEET_S3_WITH_PATH_STYLE_ACCESS", "true");
    settings.put("meet.recording.start-timeout", "5s");
    settings.put("meet.backend.room-collector-interval", "300ms");
    settings.put("meet.collectors.interval", "1s");
    settings.put("meet.collectors.grace", "6s");
    return settings;
  }
}
