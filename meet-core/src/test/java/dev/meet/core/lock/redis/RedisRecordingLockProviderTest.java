package dev.meet.core.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.lock.AbstractRecordingLockProviderContractTest;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.RoomLock;
import dev.meet.core.support.LockValues;
import dev.meet.core.testing.TestRedisson;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/**
 * The Redis provider against the shared contract on a real Redis, plus what only Redis has: key layout, TTLs as
 * Redis sees them, foreign keys under the prefix, and an outage.
 */
@ExtendWith(RedisServerExtension.class)
class RedisRecordingLockProviderTest extends AbstractRecordingLockProviderContractTest {

  private static RedissonClient client;

  /** Unique per test, so tests share one server without seeing each other's keys. */
  private String prefix = "";
  private RedisRecordingLockProvider provider;

  @BeforeAll
  static void connect(RedisServer redis) {
    client = TestRedisson.connect(redis.uri());
  }

  @AfterAll
  static void disconnect() {
    client.shutdown();
  }

  @BeforeEach
  void newPrefix() {
    prefix = "meet-test:" + UUID.randomUUID() + ":";
    provider = new RedisRecordingLockProvider(client, prefix);
  }

  @AfterEach
  void deleteKeys() {
    client.getKeys().deleteByPattern(prefix + "*");
  }

  @Override
  protected RecordingLockProvider provider() {
    return provider;
  }

  private static LockValue value(String token) {
    return new LockValue(token, null, "instance-a", Instant.parse("2026-11-25T10:15:30.123Z"));
  }

  private String stored(String key) {
    return client.<String>getBucket(key, StringCodec.INSTANCE).get();
  }

  @Test
  void theDefaultPrefixIsMeetLock() {
    RedisRecordingLockProvider defaults = new RedisRecordingLockProvider(client);
    String room = "room-" + UUID.randomUUID();
    try {
      defaults.tryAcquire(room, value("token-1"), Duration.ofMinutes(1));

      assertThat(stored("meet:lock:room:" + room)).isEqualTo(LockValues.encode(value("token-1")));
    } finally {
      defaults.release(room, value("token-1"));
    }
  }

  @Test
  void locksAndLeasesArePlainStringsUnderThePrefix() {
    provider.tryAcquire("room-1", value("token-1"), Duration.ofMinutes(1));
    provider.tryLead("collector", "instance-a", Duration.ofMinutes(1));

    assertThat(stored(prefix + "room:room-1")).isEqualTo("token-1||instance-a|1795601730123");
    assertThat(stored(prefix + "leader:collector")).isEqualTo("instance-a");
  }

  @Test
  void acquiringSetsTheTtlInMilliseconds() {
    provider.tryAcquire("room-1", value("token-1"), Duration.ofMillis(1_500));

    assertThat(client.getBucket(prefix + "room:room-1").remainTimeToLive()).isBetween(1L, 1_500L);
  }

  @Test
  void replacingKeepsTheTtlRedisHolds() {
    LockValue unbound = value("token-1");
    provider.tryAcquire("room-1", unbound, Duration.ofHours(6));
    client.getBucket(prefix + "room:room-1").expire(Duration.ofSeconds(5));

    provider.replace("room-1", unbound, unbound.boundTo("EG_abcdefghijkl"));

    // -1 would mean immortal (a plain SET), anything near 6 h a renewed lifetime.
    assertThat(client.getBucket(prefix + "room:room-1").remainTimeToLive()).isBetween(1L, 5_000L);
  }

  @Test
  void renewingALeaseSetsItsNewTtl() {
    provider.tryLead("collector", "instance-a", Duration.ofSeconds(2));

    provider.tryLead("collector", "instance-a", Duration.ofMinutes(10));

    assertThat(client.getBucket(prefix + "leader:collector").remainTimeToLive()).isGreaterThan(60_000L);
  }

  @Test
  void providersWithOtherPrefixesDoNotSeeEachOthersLocks() {
    RedisRecordingLockProvider other = new RedisRecordingLockProvider(client, prefix + "other:");
    other.tryAcquire("room-1", value("token-other"), Duration.ofMinutes(1));

    assertThat(provider.get("room-1")).isEmpty();
    assertThat(provider.tryAcquire("room-1", value("token-1"), Duration.ofMinutes(1))).isTrue();
    assertThat(scanAll(10)).extracting(RoomLock::roomId, RoomLock::value)
        .containsExactly(tuple("room-1", value("token-1")));
    assertThat(provider.count()).isEqualTo(1);
  }

  @Test
  void aPrefixWithGlobCharactersMatchesOnlyItself() {
    RedisRecordingLockProvider starred = new RedisRecordingLockProvider(client, prefix + "g*?[x]:");
    RedisRecordingLockProvider plain = new RedisRecordingLockProvider(client, prefix + "gabx:");
    starred.tryAcquire("room-1", value("token-1"), Duration.ofMinutes(1));
    plain.tryAcquire("room-2", value("token-2"), Duration.ofMinutes(1));

    assertThat(starred.scan(null, 100).locks()).extracting(RoomLock::roomId, RoomLock::value)
        .containsExactly(tuple("room-1", value("token-1")));
    assertThat(starred.count()).isEqualTo(1);
  }

  @Test
  void scanSkipsForeignKeysUnderThePrefixWhileGetReportsThem() {
    client.getBucket(prefix + "room:garbage", StringCodec.INSTANCE).set("not a lock value");
    client.getBucket(prefix + "room:bad--id", StringCodec.INSTANCE).set(LockValues.encode(value("token-x")));
    client.getMap(prefix + "room:a-hash", StringCodec.INSTANCE).put("field", "value");
    provider.tryAcquire("room-1", value("token-1"), Duration.ofMinutes(1));

    assertThat(scanAll(10)).extracting(RoomLock::roomId, RoomLock::value)
        .containsExactly(tuple("room-1", value("token-1")));
    assertThatThrownBy(() -> provider.get("garbage"))
        .isInstanceOf(LockException.class).hasMessageContaining("Redis");
  }

  @Test
  void anEmptyPrefixIsRejected() {
    assertThatThrownBy(() -> new RedisRecordingLockProvider(client, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
  }

  @Test
  @Timeout(60)
  void aRedisOutageFailsEveryCallQuicklyAndTheProviderRecoversWhenRedisIsBack(
      @RedisServerExtension.Private RedisServer redis) {
    RedissonClient privateClient = TestRedisson.connect(redis.uri());
    try {
      RedisRecordingLockProvider locks = new RedisRecordingLockProvider(privateClient);
      LockValue mine = value("token-1");
      assertThat(locks.tryAcquire("room-1", mine, Duration.ofMinutes(1))).isTrue();

      redis.stop();

      List<Consumer<RedisRecordingLockProvider>> calls = List.of(
          p -> p.tryAcquire("room-2", mine, Duration.ofMinutes(1)),
          p -> p.replace("room-1", mine, mine.boundTo("EG_abcdefghijkl")),
          p -> p.release("room-1", mine),
          p -> p.get("room-1"),
          p -> p.scan(null, 10),
          p -> p.count(),
          p -> p.tryLead("collector", "instance-a", Duration.ofMinutes(1)));
      for (Consumer<RedisRecordingLockProvider> call : calls) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> call.accept(locks))
            .isInstanceOf(LockException.class)
            .hasMessageContaining("Redis")
            .hasCauseInstanceOf(RedisException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
      }

      redis.start();

      // Same provider, same client: Redisson reconnects on its own. The restarted server is empty.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreException(LockException.class)
          .untilAsserted(() -> assertThat(locks.get("room-1")).isEmpty());
      assertThat(locks.tryAcquire("room-1", mine, Duration.ofMinutes(1))).isTrue();
      assertThat(locks.replace("room-1", mine, mine.boundTo("EG_abcdefghijkl"))).isTrue();
      assertThat(locks.scan(null, 10).locks()).extracting(RoomLock::roomId).containsExactly("room-1");
      assertThat(locks.count()).isEqualTo(1);
      assertThat(locks.tryLead("collector", "instance-a", Duration.ofMinutes(1))).isTrue();
      assertThat(locks.release("room-1", mine.boundTo("EG_abcdefghijkl"))).isTrue();
    } finally {
      privateClient.shutdown();
    }
  }
}
