package dev.meet.core.support;

import dev.meet.core.lock.LockValue;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The stored form of a {@link LockValue}, shared by the lock providers: {@code token|egressId|instanceId|acquiredAt}
 * (milliseconds). Locks are compared by this exact string, so every provider must use it.
 */
public final class LockValues {

  private static final String SEPARATOR = "|";

  private LockValues() {}

  /** The exact string stored and compared. */
  public static String encode(LockValue value) {
    return value.token() + SEPARATOR + (value.egressId() == null ? "" : value.egressId()) + SEPARATOR
        + value.instanceId() + SEPARATOR + value.acquiredAt().toEpochMilli();
  }

  /**
   * Decodes {@link #encode(LockValue)}'s form.
   *
   * @throws IllegalArgumentException when the text is not a lock value
   */
  public static LockValue decode(String encoded) {
    String[] parts = encoded.split(Pattern.quote(SEPARATOR), -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not a lock value: " + encoded);
    }
    try {
      return new LockValue(parts[0], parts[1].isEmpty() ? null : parts[1], parts[2],
          Instant.ofEpochMilli(Long.parseLong(parts[3])));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a lock value: " + encoded, e);
    }
  }
}
