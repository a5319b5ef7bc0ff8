package dev.meet.app.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * OpenVidu Meet's environment variables ({@code LIVEKIT_URL}, {@code MEET_S3_BUCKET}, ...) mapped onto the
 * starter's {@code meet.*} properties, so one configuration model serves the starter and this backend. The mapping
 * sits just below the real environment: a {@code meet.*} system property or variable wins over it, and it wins over
 * {@code application.properties}. Also decides the embedded defaults: without a
 * LiveKit URL the emulator runs in-process, and local storage lives in {@code MEET_DATA_DIR}.
 *
 * <p>The variables are read from the environment, so they can also be given as properties of the same name (tests,
 * {@code --LIVEKIT_URL=...} on the command line).
 */
public final class OpenViduEnvironment implements EnvironmentPostProcessor {

  static final String SOURCE_NAME = "openviduMeetEnvironment";
  /** Set when no LiveKit URL is configured: the emulator runs in-process. */
  public static final String EMBEDDED_LIVEKIT = "meet.backend.embedded-livekit";
  /** {@code {base path}/api/v1}, normalised; the request mappings use it. */
  public static final String API_PREFIX = "meet.backend.api-prefix";
  static final String EXCLUDE = "spring.autoconfigure.exclude";
  static final String DATA_REDIS_AUTO_CONFIGURATION =
      "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";
  /** The spring.data.redis.* settings that name a Redis server; any of them means Redis is configured the Boot way. */
  private static final List<String> BOOT_REDIS_SERVERS = List.of("spring.data.redis.url", "spring.data.redis.host",
      "spring.data.redis.sentinel.nodes", "spring.data.redis.cluster.nodes", "spring.data.redis.masterreplica.nodes");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
    Map<String, Object> mapped = map(env);
    MapPropertySource source = new MapPropertySource(SOURCE_NAME, mapped);
    // After the real environment and system properties (an explicit meet.* wins), before application.properties.
    if (env.getPropertySources().contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
      env.getPropertySources().addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
    } else {
      env.getPropertySources().addLast(source);
    }
  }

  /** The {@code meet.*} properties the OpenVidu variables of {@code env} stand for. */
  static Map<String, Object> map(ConfigurableEnvironment env) {
    Map<String, Object> out = new LinkedHashMap<>();
    copy(env, out, "MEET_BASE_PATH", "meet.api.base-path");
    copy(env, out, "MEET_INITIAL_API_KEY", "meet.api.key");
    copy(env, out, "MEET_API_KEY", "meet.api.key"); // wins over the initial key when both are set
    copy(env, out, "LIVEKIT_URL", "meet.livekit.url");
    copy(env, out, "LIVEKIT_API_KEY", "meet.livekit.api-key");
    copy(env, out, "LIVEKIT_API_SECRET", "meet.livekit.api-secret");

    copy(env, out, "MEET_REDIS_URL", "meet.redis.url");
    String sentinels = text(env, "MEET_REDIS_SENTINEL_HOST_LIST");
    String redisHost = text(env, "MEET_REDIS_HOST");
    if (sentinels != null) {
      // Sentinel wins over MEET_REDIS_HOST, as in OpenVidu Meet; Boot's spring.data.redis.sentinel.* is the starter's
      // own way to configure it, so both read one model.
      out.put("spring.data.redis.sentinel.nodes", sentinels);
      out.put("spring.data.redis.sentinel.master",
          Objects.requireNonNullElse(text(env, "MEET_REDIS_SENTINEL_MASTER_NAME"), "openvidu"));
      copy(env, out, "MEET_REDIS_SENTINEL_PASSWORD", "spring.data.redis.sentinel.password");
      copy(env, out, "MEET_REDIS_USERNAME", "spring.data.redis.username");
      copy(env, out, "MEET_REDIS_PASSWORD", "spring.data.redis.password");
      copy(env, out, "MEET_REDIS_DB", "spring.data.redis.database");
    } else if (text(env, "meet.backend.redis-sentinel.hosts") != null
        && env.getProperty("spring.data.redis.sentinel.nodes") == null) {
      // The backend's own Sentinel properties of earlier releases, read into the one model rather than ignored (a
      // backend without them would fall back to its single-instance lock).
      out.put("spring.data.redis.sentinel.nodes", text(env, "meet.backend.redis-sentinel.hosts"));
      out.put("spring.data.redis.sentinel.master",
          Objects.requireNonNullElse(text(env, "meet.backend.redis-sentinel.master-name"), "openvidu"));
      copy(env, out, "meet.backend.redis-sentinel.password", "spring.data.redis.sentinel.password");
    } else if (redisHost != null && text(env, "MEET_REDIS_URL") == null) {
      out.put("meet.redis.url", redisUrl(redisHost, text(env, "MEET_REDIS_PORT"), text(env, "MEET_REDIS_USERNAME"),
          text(env, "MEET_REDIS_PASSWORD"), text(env, "MEET_REDIS_DB")));
    }
    if (!bootRedisConfigured(env, out)) {
      // Boot's Redis auto-configuration describes localhost:6379 when nothing is set, which the starter would use:
      // without Redis settings the backend runs with its in-memory lock instead.
      String excluded = env.getProperty(EXCLUDE);
      out.put(EXCLUDE, excluded == null || excluded.isBlank() ? DATA_REDIS_AUTO_CONFIGURATION
          : excluded + "," + DATA_REDIS_AUTO_CONFIGURATION);
    }

    copy(env, out, "MEET_S3_BUCKET", "meet.storage.s3.bucket");
    String subbucket = text(env, "MEET_S3_SUBBUCKET");
    if (subbucket != null) {
      String trimmed = subbucket.replaceAll("^/+|/+$", "");
      out.put("meet.storage.prefix", trimmed.isEmpty() ? "" : trimmed + "/");
    }
    copy(env, out, "MEET_S3_SERVICE_ENDPOINT", "meet.storage.s3.endpoint");
    copy(env, out, "MEET_S3_ACCESS_KEY", "meet.storage.s3.access-key");
    copy(env, out, "MEET_S3_SECRET_KEY", "meet.storage.s3.secret-key");
    copy(env, out, "MEET_AWS_REGION", "meet.storage.s3.region");
    copy(env, out, "MEET_S3_WITH_PATH_STYLE_ACCESS", "meet.storage.s3.force-path-style");

    // Mappings and springdoc use the normalised prefix, so "/", "meet/" or "/meet/" all work.
    String basePath = text(env, "MEET_BASE_PATH");
    if (basePath == null) {
      basePath = env.getProperty("meet.api.base-path", "/meet");
    }
    out.put(API_PREFIX, new ApiProperties(null, basePath).apiPrefix());

    copy(env, out, "MEET_WEBHOOK_URL", "meet.webhooks.url");

    copy(env, out, "MEET_DATA_DIR", "meet.backend.data-dir");
    copy(env, out, "MEET_EMULATOR_PORT", "meet.backend.emulator-port");
    copy(env, out, "MEET_PUBLIC_URL", "meet.backend.public-url");
    // Before the engine's deadline became meet.livekit.webhook.deadline, the backend had its own timeout.
    String oldWebhookTimeout = text(env, "meet.backend.webhook-timeout");
    if (oldWebhookTimeout != null && env.getProperty("meet.livekit.webhook.deadline") == null) {
      out.put("meet.livekit.webhook.deadline", oldWebhookTimeout);
    }

    String dataDir = out.containsKey("meet.backend.data-dir") ? (String) out.get("meet.backend.data-dir")
        : env.getProperty("meet.backend.data-dir", "./meet-data");
    out.put("meet.storage.local-directory", dataDir);
    out.put("meet.webhooks.data-directory", dataDir);
    boolean liveKitConfigured = out.containsKey("meet.livekit.url") || env.getProperty("meet.livekit.url") != null;
    if (!liveKitConfigured && env.getProperty(EMBEDDED_LIVEKIT) == null) {
      out.put(EMBEDDED_LIVEKIT, "true");
    }
    if (!liveKitConfigured) {
      // The emulator's credentials unless given; the URL comes from the emulator once it listens.
      out.putIfAbsent("meet.livekit.api-key", env.getProperty("meet.livekit.api-key", "devkey"));
      out.putIfAbsent("meet.livekit.api-secret", env.getProperty("meet.livekit.api-secret", "secret"));
    }
    return out;
  }

  private static boolean bootRedisConfigured(ConfigurableEnvironment env, Map<String, Object> mapped) {
    return BOOT_REDIS_SERVERS.stream().anyMatch(name -> mapped.containsKey(name) || text(env, name) != null);
  }

  private static void copy(ConfigurableEnvironment env, Map<String, Object> out, String variable, String property) {
    String value = text(env, variable);
    if (value != null) {
      out.put(property, value);
    }
  }

  private static @Nullable String text(ConfigurableEnvironment env, String name) {
    String value = env.getProperty(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  static String redisUrl(String host, @Nullable String port, @Nullable String user, @Nullable String password,
      @Nullable String db) {
    StringBuilder url = new StringBuilder("redis://");
    if (password != null) {
      if (user != null) {
        url.append(encode(user));
      }
      url.append(':').append(encode(password)).append('@');
    }
    url.append(host).append(':').append(port == null ? "6379" : port);
    if (db != null) {
      url.append('/').append(db);
    }
    return url.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
