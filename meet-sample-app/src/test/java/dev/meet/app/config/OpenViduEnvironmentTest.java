package dev.meet.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** OpenVidu Meet's variables map onto the starter's properties; the embedded defaults apply only when unset. */
class OpenViduEnvironmentTest {

  static Map<String, Object> map(Map<String, Object> variables) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("test", variables));
    return OpenViduEnvironment.map(env);
  }

  @Test
  void liveKitS3AndApiVariablesMapOntoMeetProperties() {
    Map<String, Object> mapped = map(Map.ofEntries(
        Map.entry("LIVEKIT_URL", "ws://livekit:7880"), Map.entry("LIVEKIT_API_KEY", "key"),
        Map.entry("LIVEKIT_API_SECRET", "secret"), Map.entry("MEET_API_KEY", "api"),
        Map.entry("MEET_BASE_PATH", "/custom"), Map.entry("MEET_S3_BUCKET", "bucket"),
        Map.entry("MEET_S3_SUBBUCKET", "sub/"), Map.entry("MEET_S3_SERVICE_ENDPOINT", "http://minio:9000"),
        Map.entry("MEET_S3_ACCESS_KEY", "ak"), Map.entry("MEET_S3_SECRET_KEY", "sk"),
        Map.entry("MEET_AWS_REGION", "eu-west-1"), Map.entry("MEET_S3_WITH_PATH_STYLE_ACCESS", "false"),
        Map.entry("MEET_DATA_DIR", "/data")));
    assertThat(mapped).containsEntry("meet.livekit.url", "ws://livekit:7880")
        .containsEntry("meet.livekit.api-key", "key").containsEntry("meet.livekit.api-secret", "secret")
        .containsEntry("meet.api.key", "api").containsEntry("meet.api.base-path", "/custom")
        .containsEntry("meet.storage.s3.bucket", "bucket").containsEntry("meet.storage.prefix", "sub/")
        .containsEntry("meet.storage.s3.endpoint", "http://minio:9000")
        .containsEntry("meet.storage.s3.access-key", "ak").containsEntry("meet.storage.s3.secret-key", "sk")
        .containsEntry("meet.storage.s3.region", "eu-west-1")
        .containsEntry("meet.storage.s3.force-path-style", "false")
        .containsEntry("meet.storage.local-directory", "/data")
        .doesNotContainKey(OpenViduEnvironment.EMBEDDED_LIVEKIT);
  }

  @Test
  void redisPartsBecomeOneUrlWithEncodedCredentials() {
    assertThat(map(Map.of("MEET_REDIS_HOST", "redis", "MEET_REDIS_PORT", "6380", "MEET_REDIS_PASSWORD", "p@ss/word",
        "MEET_REDIS_DB", "2"))).containsEntry("meet.redis.url", "redis://:p%40ss%2Fword@redis:6380/2");
    assertThat(map(Map.of("MEET_REDIS_HOST", "redis"))).containsEntry("meet.redis.url", "redis://redis:6379");
    assertThat(map(Map.of("MEET_REDIS_URL", "redis://x:1", "MEET_REDIS_HOST", "ignored")))
        .containsEntry("meet.redis.url", "redis://x:1");
  }

  @Test
  void theInitialKeyIsUsedUnlessTheKeyItselfIsSet() {
    assertThat(map(Map.of("MEET_INITIAL_API_KEY", "initial"))).containsEntry("meet.api.key", "initial");
    assertThat(map(Map.of("MEET_INITIAL_API_KEY", "initial", "MEET_API_KEY", "main")))
        .containsEntry("meet.api.key", "main");
  }

  @Test
  void withoutALiveKitUrlTheEmulatorIsEmbeddedWithItsCredentialsAndTheDataDirectory() {
    Map<String, Object> mapped = map(Map.of());
    assertThat(mapped).containsEntry(OpenViduEnvironment.EMBEDDED_LIVEKIT, "true")
        .containsEntry("meet.livekit.api-key", "devkey").containsEntry("meet.livekit.api-secret", "secret")
        .containsEntry("meet.storage.local-directory", "./meet-data");
  }

  @Test
  void anExplicitMeetLiveKitUrlAlsoTurnsTheEmulatorOff() {
    assertThat(map(Map.of("meet.livekit.url", "http://x:7880"))).doesNotContainKey(OpenViduEnvironment.EMBEDDED_LIVEKIT);
  }

  @Test
  void theBasePathIsNormalisedIntoTheApiPrefix() {
    assertThat(map(Map.of("MEET_BASE_PATH", "/"))).containsEntry(OpenViduEnvironment.API_PREFIX, "/api/v1");
    assertThat(map(Map.of("MEET_BASE_PATH", "video/"))).containsEntry(OpenViduEnvironment.API_PREFIX, "/video/api/v1");
    assertThat(map(Map.of())).containsEntry(OpenViduEnvironment.API_PREFIX, "/meet/api/v1");
    assertThat(new ApiProperties(null, "meet/").apiPrefix()).isEqualTo("/meet/api/v1");
    assertThat(new ApiProperties(null, "/").apiPrefix()).isEqualTo("/api/v1");
  }

  @Test
  void theWebhookUrlAndDataDirectoryMapOntoTheWebhookProperties() {
    Map<String, Object> mapped = map(Map.of("MEET_WEBHOOK_URL", " https://hooks.example.com/meet ",
        "MEET_DATA_DIR", "/var/meet"));
    assertThat(mapped).containsEntry("meet.webhooks.url", "https://hooks.example.com/meet")
        .containsEntry("meet.webhooks.data-directory", "/var/meet");
    assertThat(map(Map.of())).doesNotContainKey("meet.webhooks.url");
  }

  @Test
  void sentinelVariablesMapOntoBootsSpringDataRedisSentinelProperties() {
    Map<String, Object> mapped = map(Map.of("MEET_REDIS_SENTINEL_HOST_LIST", "s1:26379,s2:26379",
        "MEET_REDIS_SENTINEL_MASTER_NAME", "mymaster", "MEET_REDIS_SENTINEL_PASSWORD", "sentinel-secret",
        "MEET_REDIS_USERNAME", "app", "MEET_REDIS_PASSWORD", "redis-secret", "MEET_REDIS_DB", "3",
        "MEET_REDIS_HOST", "ignored"));
    assertThat(mapped).containsEntry("spring.data.redis.sentinel.nodes", "s1:26379,s2:26379")
        .containsEntry("spring.data.redis.sentinel.master", "mymaster")
        .containsEntry("spring.data.redis.sentinel.password", "sentinel-secret")
        .containsEntry("spring.data.redis.username", "app")
        .containsEntry("spring.data.redis.password", "redis-secret")
        .containsEntry("spring.data.redis.database", "3")
        .as("Sentinel wins over MEET_REDIS_HOST, as in OpenVidu Meet").doesNotContainKey("meet.redis.url")
        .doesNotContainKey(OpenViduEnvironment.EXCLUDE);
  }

  @Test
  void theSentinelMasterNameIsOpenViduByDefault() {
    assertThat(map(Map.of("MEET_REDIS_SENTINEL_HOST_LIST", "s1:26379")))
        .containsEntry("spring.data.redis.sentinel.master", "openvidu")
        .doesNotContainKey("spring.data.redis.password");
  }

  @Test
  void withoutRedisSettingsBootsRedisAutoConfigurationIsSwitchedOffSoTheLockStaysInMemory() {
    assertThat(map(Map.of())).containsEntry(OpenViduEnvironment.EXCLUDE,
        OpenViduEnvironment.DATA_REDIS_AUTO_CONFIGURATION);
    assertThat(map(Map.of("spring.autoconfigure.exclude", "com.example.Other")))
        .containsEntry(OpenViduEnvironment.EXCLUDE, "com.example.Other,"
            + OpenViduEnvironment.DATA_REDIS_AUTO_CONFIGURATION);
    assertThat(map(Map.of("MEET_REDIS_HOST", "redis"))).as("meet.redis.url is the starter's override anyway")
        .containsEntry(OpenViduEnvironment.EXCLUDE, OpenViduEnvironment.DATA_REDIS_AUTO_CONFIGURATION);
    assertThat(map(Map.of("spring.data.redis.host", "redis"))).doesNotContainKey(OpenViduEnvironment.EXCLUDE);
  }

  @Test
  void theOldBackendWebhookTimeoutIsReadAsTheEnginesWebhookDeadline() {
    assertThat(map(Map.of("meet.backend.webhook-timeout", "3s")))
        .containsEntry("meet.livekit.webhook.deadline", "3s");
    assertThat(map(Map.of("meet.backend.webhook-timeout", "3s", "meet.livekit.webhook.deadline", "2s")))
        .doesNotContainKey("meet.livekit.webhook.deadline");
  }

  @Test
  void theOldBackendSentinelPropertiesAreReadIntoBootsSentinelSettings() {
    assertThat(map(Map.of("meet.backend.redis-sentinel.hosts", "s1:26379,s2:26379",
        "meet.backend.redis-sentinel.master-name", "mymaster", "meet.backend.redis-sentinel.password", "pw")))
        .containsEntry("spring.data.redis.sentinel.nodes", "s1:26379,s2:26379")
        .containsEntry("spring.data.redis.sentinel.master", "mymaster")
        .containsEntry("spring.data.redis.sentinel.password", "pw")
        .doesNotContainKey(OpenViduEnvironment.EXCLUDE);
    assertThat(map(Map.of("meet.backend.redis-sentinel.hosts", "old:26379",
        "spring.data.redis.sentinel.nodes", "new:26379")))
        .doesNotContainKey("spring.data.redis.sentinel.nodes");
  }
}
