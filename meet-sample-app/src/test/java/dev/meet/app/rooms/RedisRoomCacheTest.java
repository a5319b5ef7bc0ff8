package dev.meet.app.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.RecordingEncoding;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import tools.jackson.databind.json.JsonMapper;

/** The cache's protocol against a real redis-server: what a reader may see while writers hold and put rooms. */
@ExtendWith(RedisServerExtension.class)
class RedisRoomCacheTest {

  static final JsonMapper JSON = JsonMapper.builder().build();
  static RedissonClient redis;

  @BeforeAll
  static void connect(RedisServer server) {
    Config config = new Config();
    config.useSingleServer().setAddress(server.uri());
    redis = Redisson.create(config);
  }

  @AfterAll
  static void disconnect() {
    redis.shutdown();
  }

  static RedisRoomCache cache(Duration holdTime) {
    return new RedisRoomCache(redis, "meet-test:" + UUID.randomUUID() + ":", holdTime, Duration.ofMinutes(1), JSON);
  }

  static RoomStore.Versioned room(String roomId, Room.Status status, String version) {
    return new RoomStore.Versioned(new Room(roomId, "cached", 1_000L, null, null,
        new Room.Config(new Room.RecordingConfig(true, "grid", RecordingEncoding.DEFAULT), new Room.E2ee(false)),
        status, Room.MeetingEndAction.NONE, "m", "s"), version);
  }

  @Test
  void aFilledRoomIsServedWithItsVersion() {
    RedisRoomCache cache = cache(Duration.ofMinutes(1));
    RoomStore.Versioned open = room("a-1", Room.Status.OPEN, "\"v1\"");
    assertThat(cache.get("a-1")).isEmpty();
    cache.fill(open);
    assertThat(cache.get("a-1")).contains(open);
  }

  @Test
  void aHeldRoomIsNeitherServedNorFilledByAReaderThatReadTheStorageBeforeTheWrite() {
    RedisRoomCache cache = cache(Duration.ofMinutes(1));
    RoomStore.Versioned before = room("b-1", Room.Status.OPEN, "\"v1\"");
    cache.fill(before);
    cache.hold("b-1");
    assertThat(cache.get("b-1")).isEmpty();
    cache.fill(before);
    assertThat(cache.get("b-1")).isEmpty();
  }

  @Test
  void aFillNeverReplacesACachedRoom() {
    RedisRoomCache cache = cache(Duration.ofMinutes(1));
    RoomStore.Versioned written = room("c-1", Room.Status.ACTIVE_MEETING, "\"v2\"");
    String hold = cache.hold("c-1");
    cache.put("c-1", hold, written);
    cache.fill(room("c-1", Room.Status.OPEN, "\"v1\""));
    assertThat(cache.get("c-1")).contains(written);
  }

  @Test
  void onlyTheLastWriterToHoldTheRoomPutsItsVersion() {
    RedisRoomCache cache = cache(Duration.ofMinutes(1));
    String first = cache.hold("d-1");
    String second = cache.hold("d-1");
    cache.put("d-1", first, room("d-1", Room.Status.OPEN, "\"v1\""));
    assertThat(cache.get("d-1")).as("the first writer's put after the second's hold").isEmpty();
    RoomStore.Versioned last = room("d-1", Room.Status.CLOSED, "\"v2\"");
    cache.put("d-1", second, last);
    assertThat(cache.get("d-1")).contains(last);
  }

  @Test
  void aHoldNeverReplacedExpiresAndReadersCacheTheStorageAgain() {
    RedisRoomCache cache = cache(Duration.ofMillis(300));
    cache.hold("e-1");
    RoomStore.Versioned stored = room("e-1", Room.Status.OPEN, "\"v2\"");
    cache.fill(stored);
    assertThat(cache.get("e-1")).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      cache.fill(stored);
      return cache.get("e-1").isPresent();
    });
    assertThat(cache.get("e-1")).contains(stored);
  }

  @Test
  void withRedisDownReadsMissFillsAreSkippedAndAHoldFailsNamingRedis() {
    try (RedisServer down = RedisServer.startPrivate()) {
      Config config = new Config();
      config.useSingleServer().setAddress(down.uri()).setConnectTimeout(300).setTimeout(300).setRetryAttempts(0);
      RedissonClient client = Redisson.create(config);
      try {
        RedisRoomCache cache = new RedisRoomCache(client, "meet-test:", Duration.ofMinutes(1), Duration.ofMinutes(1),
            JSON);
        down.stop();
        assertThat(cache.get("f-1")).isEmpty();
        cache.fill(room("f-1", Room.Status.OPEN, "\"v1\""));
        cache.put("f-1", "hold x", room("f-1", Room.Status.OPEN, "\"v1\""));
        assertThatThrownBy(() -> cache.hold("f-1")).isInstanceOf(RoomStoreException.class)
            .hasMessageContaining("room f-1").hasMessageContaining("Redis is unavailable");
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void aBadHoldTimeOrTtlIsRefused() {
    assertThatThrownBy(() -> new RedisRoomCache(redis, "p:", Duration.ZERO, Duration.ofMinutes(1), JSON))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holdTime");
  }
}
