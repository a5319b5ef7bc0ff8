package dev.meet.testkit.livekit;

import java.security.SecureRandom;

/** LiveKit-shaped resource ids: a type prefix and 12 base-62 characters ({@code EG_}, {@code RM_}, ...). */
final class Ids {

  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  static String next(String prefix) {
    StringBuilder id = new StringBuilder(prefix.length() + 12).append(prefix);
    for (int i = 0; i < 12; i++) {
      id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return id.toString();
  }
}
