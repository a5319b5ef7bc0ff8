package dev.meet.core.storage;

import dev.meet.core.RecordingId;
import dev.meet.core.RoomIds;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The fixed layout of recordings in a bucket or directory (design §8), below a prefix ({@code openvidu-meet/} by
 * default):
 *
 * <pre>
 * {prefix}rooms/{roomId}/{roomId}.json
 * {prefix}recordings/.metadata/{roomId}/{egressId}/{uid}.json
 * {prefix}recordings/.secrets/{roomId}/{egressId}/{uid}.json
 * {prefix}recordings/.tombstones/{roomId}/{egressId}/{uid}      (empty: its time is the deletion's)
 * {prefix}recordings/.unfinished/{roomId}/{egressId}/{uid}      (empty: the index of unfinished recordings)
 * {prefix}recordings/.unfinished-index                          (empty: the index was built over this storage)
 * {prefix}recordings/{roomId}/{roomId}--{uid}.mp4
 * </pre>
 *
 * <p>Keys are only ever built from a validated {@link RecordingId} or room id, so no client input escapes the prefix.
 */
public final class StorageLayout {

  public static final String DEFAULT_PREFIX = "openvidu-meet/";
  private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9_.-]+/)*");

  private final String prefix;

  /**
   * @param prefix empty, or segments of {@code [A-Za-z0-9_.-]} each ending with {@code /}; no {@code ..}
   */
  public StorageLayout(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!PREFIX.matcher(prefix).matches() || prefix.contains("../") || prefix.startsWith("./")
        || prefix.contains("/./") || prefix.equals("./")) {
      throw new IllegalArgumentException("prefix must be empty or segments of [A-Za-z0-9_.-] each ending with '/', "
          + "without '.' or '..' segments; was '" + prefix + "'");
    }
    this.prefix = prefix;
  }

  public static StorageLayout defaults() {
    return new StorageLayout(DEFAULT_PREFIX);
  }

  public String prefix() {
    return prefix;
  }

  public String metadataKey(RecordingId id) {
    return metadataPrefix() + id.roomId() + "/" + id.egressId() + "/" + id.uid() + ".json";
  }

  public String secretsKey(RecordingId id) {
    return prefix + "recordings/.secrets/" + id.roomId() + "/" + id.egressId() + "/" + id.uid() + ".json";
  }

  /** The tombstone a deletion leaves, so a late egress update cannot bring the recording back. */
  public String tombstoneKey(RecordingId id) {
    return prefix + "recordings/.tombstones/" + id.roomId() + "/" + id.egressId() + "/" + id.uid();
  }

  /** The entry of the index of unfinished recordings (see {@link RecordingStorage#listUnfinished}). */
  public String unfinishedKey(RecordingId id) {
    return unfinishedPrefix() + id.roomId() + "/" + id.egressId() + "/" + id.uid();
  }

  /** Where the index of unfinished recordings lies. */
  public String unfinishedPrefix() {
    return prefix + "recordings/.unfinished/";
  }

  /**
   * Written once the index of unfinished recordings was built over this storage. Room ids never start with '.', so no
   * media directory can collide with it.
   */
  public String unfinishedIndexBuiltKey() {
    return prefix + "recordings/.unfinished-index";
  }

  /** The recording id of an index entry's key, or null when the key is not one (foreign objects are skipped). */
  public @Nullable RecordingId recordingIdOfUnfinishedKey(String key) {
    return recordingIdUnder(unfinishedPrefix(), key, "");
  }

  /** The media key, {@code .mp4} included. */
  public String mediaKey(RecordingId id) {
    return mediaPathWithoutExtension(id) + ".mp4";
  }

  /** What the egress is asked to write; it appends {@code .mp4}. */
  public String mediaPathWithoutExtension(RecordingId id) {
    return mediaPathWithoutExtension(id.roomId(), id.uid());
  }

  /** What the egress is asked to write for a room and uid; the uid is validated like a {@link RecordingId}'s. */
  public String mediaPathWithoutExtension(String roomId, String uid) {
    RoomIds.require(roomId, "roomId");
    if (uid == null || !uid.matches("[0-9a-f]{10}")) {
      throw new IllegalArgumentException("uid must be 10 lower-case hex characters");
    }
    return prefix + "recordings/" + roomId + "/" + roomId + "--" + uid;
  }

  /** Where every recording's metadata lies. */
  public String metadataPrefix() {
    return prefix + "recordings/.metadata/";
  }

  /** Where one room's recording metadata lies. */
  public String metadataPrefix(String roomId) {
    return metadataPrefix() + RoomIds.require(roomId, "roomId") + "/";
  }

  public String roomKey(String roomId) {
    RoomIds.require(roomId, "roomId");
    return prefix + "rooms/" + roomId + "/" + roomId + ".json";
  }

  /**
   * The recording id of a metadata key, or null when the key is not one (foreign objects in the bucket are skipped,
   * never trusted).
   */
  public @Nullable RecordingId recordingIdOfMetadataKey(String key) {
    return recordingIdUnder(metadataPrefix(), key, ".json");
  }

  private static @Nullable RecordingId recordingIdUnder(String keyPrefix, String key, String suffix) {
    if (!key.startsWith(keyPrefix) || !key.endsWith(suffix) || key.length() < keyPrefix.length() + suffix.length()) {
      return null;
    }
    String[] parts = key.substring(keyPrefix.length(), key.length() - suffix.length()).split("/", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      return new RecordingId(parts[0], parts[1], parts[2]);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Page tokens are keys, base64url-encoded: opaque to clients, and checked on the way back in. */
  private static final int MAX_PAGE_TOKEN_LENGTH = 1024;

  /** The opaque token of a page that ended at {@code lastKey}. */
  public static String pageToken(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The key a page token names, after checking it is a metadata key inside {@code listPrefix}.
   *
   * @throws InvalidPageTokenException when the token was not issued for this listing
   */
  public String keyOfPageToken(String token, String listPrefix) {
    String key = decodePageToken(token);
    if (!key.startsWith(listPrefix) || recordingIdOfMetadataKey(key) == null) {
      throw new InvalidPageTokenException("invalid page token: not issued for this query");
    }
    return key;
  }

  private static String decodePageToken(String token) {
    if (token.isEmpty() || token.length() > MAX_PAGE_TOKEN_LENGTH) {
      throw new InvalidPageTokenException("invalid page token");
    }
    String key;
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(token);
      key = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw new InvalidPageTokenException("invalid page token");
    }
    return key;
  }

  /**
   * The index entry's key a page token of {@link RecordingStorage#listUnfinished} names.
   *
   * @throws InvalidPageTokenException when the token was not issued for the index
   */
  public String keyOfUnfinishedPageToken(String token) {
    String key = decodePageToken(token);
    if (!key.startsWith(unfinishedPrefix())) {
      throw new InvalidPageTokenException("invalid page token: not issued for the index of unfinished recordings");
    }
    return key;
  }
}
