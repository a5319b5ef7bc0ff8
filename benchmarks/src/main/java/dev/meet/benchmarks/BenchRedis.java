package dev.meet.benchmarks;

import dev.meet.testkit.redis.RedisServer;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The Redis a benchmark runs against: {@code -Dmeet.bench.redis.url}, else {@code MEET_BENCH_REDIS_URL}, else
 * {@code MEET_TEST_REDIS_URL}, else a private embedded redis-server from the test kit. Keys live under a prefix of
 * their own, so a shared Redis is never disturbed; close deletes nothing of anyone else's.
 */
final class BenchRedis implements AutoCloseable {

  private final @Nullable RedisServer embedded;
  private final String uri;
  private final String prefix = "meet-bench:" + UUID.randomUUID().toString().substring(0, 8) + ":";

  private BenchRedis(@Nullable RedisServer embedded, String uri) {
    this.embedded = embedded;
    this.uri = uri;
  }

  static BenchRedis start() {
    String configured = firstNonBlank(System.getProperty("meet.bench.redis.url"),
        System.getenv("MEET_BENCH_REDIS_URL"), System.getenv("MEET_TEST_REDIS_URL"));
    if (configured != null) {
      return new BenchRedis(null, configured);
    }
    RedisServer server = RedisServer.startPrivate();
    return new BenchRedis(server, server.uri());
  }

  String uri() {
    return uri;
  }

  /** A key prefix unique to this run, ending in {@code :}. */
  String prefix() {
    return prefix;
  }

  /**
   * A Redisson client as an application would configure one for a 2-core box: Redisson's defaults, with a pool large
   * enough for the contention sweep's 64 threads.
   */
  RedissonClient newRedisson() {
    Config config = new Config();
    config.useSingleServer()
        .setAddress(uri)
        .setConnectionMinimumIdleSize(8)
        .setConnectionPoolSize(80);
    return Redisson.create(config);
  }

  RespConnection newConnection() {
    return new RespConnection(uri);
  }

  /** Deletes this run's keys (SCAN + DEL), leaving every other key alone. */
  void deleteOwnKeys() {
    try (RespConnection resp = newConnection()) {
      String cursor = "0";
      do {
        @SuppressWarnings("unchecked")
        java.util.List<Object> reply = (java.util.List<Object>) resp.call("SCAN", cursor, "MATCH", prefix + "*",
            "COUNT", "1000");
        cursor = (String) reply.get(0);
        @SuppressWarnings("unchecked")
        java.util.List<Object> keys = (java.util.List<Object>) reply.get(1);
        if (!keys.isEmpty()) {
          String[] args = new String[keys.size() + 1];
          args[0] = "UNLINK";
          for (int i = 0; i < keys.size(); i++) {
            args[i + 1] = (String) keys.get(i);
          }
          resp.call(args);
        }
      } while (!"0".equals(cursor));
    }
  }

  @Override
  public void close() {
    try {
      deleteOwnKeys();
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static @Nullable String firstNonBlank(@Nullable String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return null;
  }
}
