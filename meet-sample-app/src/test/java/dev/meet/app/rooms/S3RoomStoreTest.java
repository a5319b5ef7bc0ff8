package dev.meet.app.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meet.core.RecordingEncoding;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.json.JsonMapper;

/** The bucket and the Redis cache together, with writers of two instances interleaved where they can race. */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class S3RoomStoreTest {

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

  static S3Client client(S3Server s3) {
    return S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region())).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(),
            s3.secretKey()))).build();
  }

  static Room room(String roomId) {
    return new Room(roomId, "raced", 1_000L, null, null,
        new Room.Config(new Room.RecordingConfig(true, "grid", RecordingEncoding.DEFAULT), new Room.E2ee(false)),
        Room.Status.OPEN, Room.MeetingEndAction.NONE, "m", "s");
  }

  @Test
  void anUpdateThatRacesADeletionNeverLeavesTheDeletedRoomCached(S3Server s3) {
    try (S3Client client = client(s3)) {
      RedisRoomCache cache = new RedisRoomCache(redis, "meet-test:" + UUID.randomUUID() + ":", Duration.ofMinutes(1),
          Duration.ofMinutes(1), JSON);
      S3RoomStore other = new S3RoomStore(client, s3.bucket(), "p/", JSON, cache);
      AtomicBoolean raced = new AtomicBoolean();
      // The deleting instance's cache: right after its first hold, another instance updates the room (its hold,
      // its conditional PUT and its put all land before the deletion's DELETE).
      RoomCache racing = new RoomCache() {
        @Override
        public Optional<RoomStore.Versioned> get(String roomId) {
          return cache.get(roomId);
        }

        @Override
        public String hold(String roomId) {
          String hold = cache.hold(roomId);
          if (raced.compareAndSet(false, true)) {
            RoomStore.Versioned current = other.find(roomId).orElseThrow();
            assertThat(other.replace(current, current.room().withStatus(Room.Status.CLOSED))).isTrue();
            assertThat(cache.get(roomId)).as("the update was cached").isPresent();
          }
          return hold;
        }

        @Override
        public void put(String roomId, String hold, RoomStore.Versioned room) {
          cache.put(roomId, hold, room);
        }

        @Override
        public void fill(RoomStore.Versioned room) {
          cache.fill(room);
        }
      };
      S3RoomStore deleting = new S3RoomStore(client, s3.bucket(), "p/", JSON, racing);
      String roomId = "raced-" + UUID.randomUUID().toString().substring(0, 8);
      assertThat(other.create(room(roomId))).isTrue();

      deleting.delete(roomId);

      assertThat(raced).isTrue();
      assertThat(other.find(roomId)).isEmpty();
      assertThat(deleting.find(roomId)).isEmpty();
    }
  }

  @Test
  void aReplaceFromAStaleVersionFailsAndTheNextReadComesFromTheBucket(S3Server s3) {
    try (S3Client client = client(s3)) {
      RedisRoomCache cache = new RedisRoomCache(redis, "meet-test:" + UUID.randomUUID() + ":", Duration.ofMinutes(1),
          Duration.ofMinutes(1), JSON);
      S3RoomStore a = new S3RoomStore(client, s3.bucket(), "p/", JSON, cache);
      String roomId = "stale-" + UUID.randomUUID().toString().substring(0, 8);
      assertThat(a.create(room(roomId))).isTrue();
      RoomStore.Versioned read = a.find(roomId).orElseThrow();
      assertThat(a.replace(read, read.room().withStatus(Room.Status.ACTIVE_MEETING))).isTrue();

      assertThat(a.replace(read, read.room().withStatus(Room.Status.CLOSED))).isFalse();

      RoomStore.Versioned now = a.find(roomId).orElseThrow();
      assertThat(now.room().status()).isEqualTo(Room.Status.ACTIVE_MEETING);
      assertThat(now.version()).isNotEqualTo(read.version());
      assertThat(a.replace(now, now.room().withStatus(Room.Status.CLOSED))).isTrue();
      assertThat(a.find(roomId).orElseThrow().room().status()).isEqualTo(Room.Status.CLOSED);
    }
  }
}
