package dev.meet.app.rooms;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rooms cached in Redis, as OpenVidu Meet does, one string key per room: {@code room <etag>\n<json>} for a room,
 * {@code hold <token>} while a writer holds it. Entries expire after {@code ttl}, holds after {@code holdTime}, which
 * must outlast the longest storage write.
 */
final class RedisRoomCache implements RoomCache {

  private static final Logger log = LoggerFactory.getLogger(RedisRoomCache.class);
  private static final String ROOM = "room ";
  private static final String HOLD = "hold ";
  /** SET with an expiry only if the key still holds the writer's hold: one round trip, atomic in Redis. */
  private static final String PUT_IF_HELD =
      "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]); return 1; "
          + "end; return 0;";

  private final RedissonClient redis;
  private final String keyPrefix;
  private final Duration holdTime;
  private final Duration ttl;
  private final JsonMapper json;

  /**
   * @param keyPrefix the keys' prefix, naming the storage the rooms live in (instances of other deployments may share
   *     the Redis)
   */
  RedisRoomCache(RedissonClient redis, String keyPrefix, Duration holdTime, Duration ttl, JsonMapper json) {
    if (holdTime.isNegative() || holdTime.isZero() || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("holdTime and ttl must be positive, were " + holdTime + " and " + ttl);
    }
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.holdTime = holdTime;
    this.ttl = ttl;
    this.json = json;
  }

  private String key(String roomId) {
    return keyPrefix + roomId;
  }

  @Override
  public Optional<RoomStore.Versioned> get(String roomId) {
    String value;
    try {
      value = redis.<String>getBucket(key(roomId), StringCodec.INSTANCE).get();
    } catch (RuntimeException e) { // RedisException, and Redisson's others (e.g. shutdown)
      log.debug("room cache unavailable, reading the storage roomId={}: {}", roomId, e.getMessage());
      return Optional.empty();
    }
    if (value == null || !value.startsWith(ROOM)) {
      return Optional.empty();
    }
    int newline = value.indexOf('\n');
    if (newline < 0) {
      return Optional.empty();
    }
    try {
      Room room = json.readValue(value.substring(newline + 1), Room.class);
      return room.roomId().equals(roomId)
          ? Optional.of(new RoomStore.Versioned(room, value.substring(ROOM.length(), newline)))
          : Optional.empty();
    } catch (JacksonException e) {
      log.warn("room cache entry is not a room, reading the storage roomId={}: {}", roomId, e.getOriginalMessage());
      return Optional.empty();
    }
  }

  @Override
  public String hold(String roomId) {
    String token = HOLD + UUID.randomUUID();
    try {
      redis.<String>getBucket(key(roomId), StringCodec.INSTANCE).set(token, holdTime);
    } catch (RuntimeException e) { // RedisException, and Redisson's others (e.g. shutdown)
      throw new RoomCacheException("cannot change room " + roomId + ": the room cache in Redis is unavailable ("
          + e.getMessage() + ")", e);
    }
    return token;
  }

  @Override
  public void put(String roomId, String hold, RoomStore.Versioned room) {
    try {
      redis.getScript(StringCodec.INSTANCE).eval(key(roomId), RScript.Mode.READ_WRITE, PUT_IF_HELD,
          RScript.ReturnType.LONG, List.of(key(roomId)), hold, entry(room), String.valueOf(ttl.toMillis()));
    } catch (RuntimeException e) { // RedisException, and Redisson's others (e.g. shutdown)
      // The hold stays until it expires: readers read the storage meanwhile.
      log.debug("room cache not updated roomId={}: {}", roomId, e.getMessage());
    }
  }

  @Override
  public void fill(RoomStore.Versioned room) {
    try {
      redis.<String>getBucket(key(room.room().roomId()), StringCodec.INSTANCE).setIfAbsent(entry(room), ttl);
    } catch (RuntimeException e) { // RedisException, and Redisson's others (e.g. shutdown)
      log.debug("room cache not filled roomId={}: {}", room.room().roomId(), e.getMessage());
    }
  }

  private String entry(RoomStore.Versioned room) {
    return ROOM + room.version() + "\n" + json.writeValueAsString(room.room());
  }
}
