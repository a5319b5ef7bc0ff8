package dev.meet.app.rooms;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
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
 * instances racing on one room (webhooks, the collector, a DELETE) never overwrite each other's change.
 */
public final class S3RoomStore implements RoomStore {

  private static final int PRECONDITION_FAILED = 412;

  private final S3Client s3;
  private final String bucket;
  private final RoomKeys keys;
  private final JsonMapper json;

  public S3RoomStore(S3Client s3, String bucket, String prefix, JsonMapper json) {
    this.s3 = s3;
    this.bucket = bucket;
    this.keys = new RoomKeys(prefix);
    this.json = json;
  }

  @Override
  public boolean create(Room room) {
    return call("create room " + room.roomId(), () -> {
      try {
        s3.putObject(b -> b.bucket(bucket).key(keys.roomKey(room.roomId())).ifNoneMatch("*")
            .contentType("application/json"), RequestBody.fromBytes(json.writeValueAsBytes(room)));
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
    return call("read room " + roomId, () -> read(key));
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
    return call("update room " + next.roomId(), () -> {
      try {
        s3.putObject(b -> b.bucket(bucket).key(keys.roomKey(next.roomId())).ifMatch(current.version())
            .contentType("application/json"), RequestBody.fromBytes(json.writeValueAsBytes(next)));
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
    call("delete room " + roomId, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
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
