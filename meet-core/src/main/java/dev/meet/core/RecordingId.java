package dev.meet.core;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The id of a recording: {@code {roomId}--{egressId}--{uid}}, where {@code uid} is the 10-hex-character id also used
 * in the media file name. Every part is validated, so an id can never form a key outside its prefix.
 *
 * @param roomId the room, also the LiveKit room name
 * @param egressId the LiveKit egress, {@code EG_} + letters and digits
 * @param uid 10 lower-case hex characters
 */
public record RecordingId(String roomId, String egressId, String uid) {

  private static final Pattern EGRESS_ID = Pattern.compile("EG_[A-Za-z0-9]{1,64}");
  private static final Pattern UID = Pattern.compile("[0-9a-f]{10}");
  private static final SecureRandom RANDOM = new SecureRandom();

  public RecordingId {
    RoomIds.require(roomId, "roomId");
    if (egressId == null || !EGRESS_ID.matcher(egressId).matches()) {
      throw new IllegalArgumentException("egressId must be EG_ followed by letters or digits, was "
          + Texts.excerpt(egressId));
    }
    if (uid == null || !UID.matcher(uid).matches()) {
      throw new IllegalArgumentException("uid must be 10 lower-case hex characters, was " + Texts.excerpt(uid));
    }
  }

  /**
   * Parses {@code {roomId}--{egressId}--{uid}} (surrounding spaces trimmed). It splits from the right: the uid and the
   * egress id never contain {@code -}, while a room id may end with one ({@code room-} gives
   * {@code room---EG_x--uid}), so every valid room id round-trips.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static RecordingId parse(String recordingId) {
    if (recordingId == null) {
      throw new IllegalArgumentException("recordingId is required");
    }
    String trimmed = recordingId.strip();
    int uidSeparator = trimmed.lastIndexOf("--");
    int egressSeparator = uidSeparator < 2 ? -1 : trimmed.lastIndexOf("--", uidSeparator - 2);
    if (egressSeparator <= 0 || uidSeparator == egressSeparator + 2
        || uidSeparator + 2 == trimmed.length()) {
      throw new IllegalArgumentException("recordingId must be {roomId}--{egressId}--{uid}, was "
          + Texts.excerpt(recordingId));
    }
    String egressId = trimmed.substring(egressSeparator + 2, uidSeparator);
    if (!egressId.startsWith("EG_")) {
      throw new IllegalArgumentException("recordingId's second part must be an egress id (EG_...), was "
          + Texts.excerpt(recordingId));
    }
    return new RecordingId(trimmed.substring(0, egressSeparator), egressId, trimmed.substring(uidSeparator + 2));
  }

  /** A fresh uid for a new recording. */
  public static String newUid() {
    byte[] bytes = new byte[5];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The media file name without extension, as the egress writes it: {@code {roomId}--{uid}}. */
  public String mediaBaseName() {
    return roomId + "--" + uid;
  }

  @Override
  public String toString() {
    return roomId + "--" + egressId + "--" + uid;
  }
}
