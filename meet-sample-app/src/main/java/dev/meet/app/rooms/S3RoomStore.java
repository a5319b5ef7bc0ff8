package dev.meet.app.rooms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rooms in the recordings' bucket. Creation is {@code If-None-Match: *} and updates {@code If-Match: <etag>}, so
 * instances racing on one room (webhooks, the collector, a DELETE) never overwrite each other's change. Reads go
 * through a {@link RoomCache} (Redis when the instances share one), which every write holds before it writes the
 * bucket and updates after.
 */
public final class S3RoomStore implements RoomStore {

  private static final Logger log = LoggerFactory.getLogger(S3RoomStore.class);
  private static final int PRECONDITION_FAILED = 412;
  /** A cached room expires an hour after it was cached: the cache holds the rooms in use, not every room. */
  static final Duration CACHE_TTL = Duration.ofHours(1);

  private final S3Client s3;
  private final String bucket;
  private final RoomKeys keys;
  private final JsonMapper json;
  private final RoomCache cache;

  /** Without a cache: every read is a {@code GET} of the bucket. */
  public S3RoomStore(S3Client s3, String bucket, String prefix, JsonMapper json) {
    this(s3, bucket, prefix, json, RoomCache.NONE);
  }

  S3RoomStore(S3Client s3, String bucket, String prefix, JsonMapper json, RoomCache cache) {
    this.s3 = s3;
    this.bucket = bucket;
    this.keys = new RoomKeys(prefix);
    this.json = json;
    this.cache = cache;
  }

  /**
   * With the rooms cached in Redis, shared by every instance of this bucket and prefix.
   *
   * @param holdTime how long a write keeps the room from being cached if it never updates the cache: longer than the
   *     longest S3 write (its call timeout)
   */
  public static S3RoomStore cachedInRedis(S3Client s3, String bucket, String prefix, JsonMapper json,
      RedissonClient redis, Duration holdTime) {
    return new S3RoomStore(s3, bucket, prefix, json, new RedisRoomCache(redis, "meet:room:" + bucket + ":" + prefix,
        holdTime, CACHE_TTL, json));
  }

  @Override
  public boolean create(Room room) {
    return call("create room " + room.roomId(), () -> {
      try {
        // No hold: nothing can be cached for a room that does not exist yet (a miss is never cached).
        String etag = s3.putObject(b -> b.bucket(bucket).key(keys.roomKey(room.roomId())).ifNoneMatch("*")
            .contentType("application/json"), RequestBody.fromBytes(json.writeValueAsBytes(room))).eTag();
        cache.fill(new Versioned(room, etag));
        return true;
      } catch (S3Exception e) {
        if (e.statusCode() == PRECONDITION_FAILED) {
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public Optional<Versioned> find(String roomId) {
    String key = keys.roomKey(roomId);
    Optional<Versioned> cached = cache.get(roomId);
    if (cached.isPresent()) {
      return cached;
    }
    Optional<Versioned> stored = call("read room " + roomId, () -> read(key));
    stored.ifPresent(cache::fill);
    return stored;
  }

  private Optional<Versioned> read(String key) {
    ResponseBytes<GetObjectResponse> object;
    try {
      object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Versioned(json.readValue(object.asByteArray(), Room.class), object.response().eTag()));
    } catch (JacksonException e) {
      throw new CorruptRoomException("object " + key + " is not a room: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public boolean replace(Versioned current, Room next) {
    String hold = cache.hold(next.roomId());
    return call("update room " + next.roomId(), () -> {
      try {
        String etag = s3.putObject(b -> b.bucket(bucket).key(keys.roomKey(next.roomId())).ifMatch(current.version())
            .contentType("application/json"), RequestBody.fromBytes(json.writeValueAsBytes(next))).eTag();
        cache.put(next.roomId(), hold, new Versioned(next, etag));
        return true;
      } catch (S3Exception e) {
        if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == 404) {
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public void delete(String roomId) {
    String key = keys.roomKey(roomId);
    cache.hold(roomId);
    call("delete room " + roomId, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    // Held again: a deletion is not conditional, so an update that held the room after us and wrote S3 before our
    // DELETE may have cached its version meanwhile; this hold replaces it and refuses its put if it comes later. The
    // hold outlives the deletion, so a reader that read the room just before cannot cache it either.
    try {
      cache.hold(roomId);
    } catch (RoomCacheException e) {
      log.warn("room deleted but not held in the cache roomId={}: {}", roomId, e.getMessage());
    }
  }

  @Override
  public Page list(int maxItems, @Nullable String pageToken) {
    String after = pageToken == null ? null : keys.roomKey(RoomKeys.roomIdOfToken(pageToken));
    return call("list rooms", () -> {
      List<Room> rooms = new ArrayList<>();
      String startAfter = after;
      String last = null;
      while (true) {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket)
            .prefix(keys.roomsPrefix()).maxKeys(Math.min(1000, maxItems + 1));
        if (startAfter != null) {
          request.startAfter(startAfter);
        }
        ListObjectsV2Response response = s3.listObjectsV2(request.build());
        for (S3Object object : response.contents()) {
          startAfter = object.key();
          String roomId = keys.roomIdOf(object.key());
          if (roomId == null) {
            continue;
          }
          if (rooms.size() == maxItems) {
            return new Page(rooms, RoomKeys.token(last));
          }
          Optional<Versioned> room = read(object.key());
          if (room.isPresent()) {
            rooms.add(room.get().room());
            last = roomId;
          }
        }
        if (!Boolean.TRUE.equals(response.isTruncated())) {
          return new Page(rooms, null);
        }
      }
    });
  }

  @Override
  public void markPurge(String roomId) {
    call("mark room " + roomId + " for purge", () ->
        s3.putObject(b -> b.bucket(bucket).key(keys.purgeKey(roomId)), RequestBody.empty()));
  }

  @Override
  public List<String> purgeMarks() {
    return call("list purge marks", () -> {
      List<String> ids = new ArrayList<>();
      s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keys.purgePrefix())).contents().forEach(o -> {
        String id = o.key().substring(keys.purgePrefix().length());
        if (dev.meet.core.RoomIds.isValid(id)) {
          ids.add(id);
        }
      });
      return ids;
    });
  }

  @Override
  public void clearPurge(String roomId) {
    call("clear the purge mark of " + roomId, () -> s3.deleteObject(b -> b.bucket(bucket).key(keys.purgeKey(roomId))));
  }

  private static <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (SdkException e) {
      throw new RoomStoreException("cannot " + what + ": " + e.getMessage(), e);
    }
  }
}
