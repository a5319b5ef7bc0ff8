package dev.meet.core;

import java.util.regex.Pattern;

/** Validation of room ids: {@code [A-Za-z0-9_-]{1,100}} without {@code --}, so they are safe in keys and ids. */
public final class RoomIds {

  private static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

  private RoomIds() {}

  public static boolean isValid(String roomId) {
    return roomId != null && ROOM_ID.matcher(roomId).matches() && !roomId.contains("--");
  }

  /**
   * Returns the room id when it is valid.
   *
   * @throws IllegalArgumentException naming the field and the rule otherwise (never echoing a huge value)
   */
  public static String require(String roomId, String field) {
    if (!isValid(roomId)) {
      throw new IllegalArgumentException(field + " must match [A-Za-z0-9_-]{1,100} without '--', was "
          + Texts.excerpt(roomId));
    }
    return roomId;
  }
}
