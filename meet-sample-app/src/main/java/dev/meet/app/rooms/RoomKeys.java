package dev.meet.app.rooms;

import dev.meet.core.RoomIds;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Keys of rooms below the storage prefix, and the opaque page tokens over them (shared by both stores). */
final class RoomKeys {

  private final String prefix;
  private final Pattern roomKey;

  RoomKeys(String prefix) {
    this.prefix = prefix;
    this.roomKey = Pattern.compile(Pattern.quote(roomsPrefix()) + "([A-Za-z0-9_-]{1,100})/([A-Za-z0-9_-]{1,100})\\.json");
  }

  String roomsPrefix() {
    return prefix + "rooms/";
  }

  String roomKey(String roomId) {
    RoomIds.require(roomId, "roomId");
    return roomsPrefix() + roomId + "/" + roomId + ".json";
  }

  /** Purge marks live beside the rooms under a name no room id can take ('.' is not allowed in ids). */
  String purgePrefix() {
    return roomsPrefix() + ".purge/";
  }

  String purgeKey(String roomId) {
    RoomIds.require(roomId, "roomId");
    return purgePrefix() + roomId;
  }

  /** The room id of a room key, or null for any other object. */
  @Nullable String roomIdOf(String key) {
    Matcher m = roomKey.matcher(key);
    return m.matches() && m.group(1).equals(m.group(2)) && RoomIds.isValid(m.group(1)) ? m.group(1) : null;
  }

  static String token(String roomId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(roomId.getBytes(StandardCharsets.UTF_8));
  }

  /** @throws IllegalArgumentException when the token is not one of ours */
  static String roomIdOfToken(String token) {
    try {
      String roomId = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (RoomIds.isValid(roomId)) {
        return roomId;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException("nextPageToken is invalid");
  }
}
