package dev.meet.core.storage;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The access secrets of one recording: the public one allows anonymous reads of it, the private one is for its owner.
 * Stored apart from the metadata and never returned by a metadata read.
 *
 * @param publicSecret 10 characters
 * @param privateSecret 10 characters
 */
public record RecordingSecrets(String publicSecret, String privateSecret) {

  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9]{10}");
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  public RecordingSecrets {
    if (publicSecret == null || !SECRET.matcher(publicSecret).matches()) {
      throw new IllegalArgumentException("publicSecret must be 10 letters or digits");
    }
    if (privateSecret == null || !SECRET.matcher(privateSecret).matches()) {
      throw new IllegalArgumentException("privateSecret must be 10 letters or digits");
    }
  }

  public static RecordingSecrets generate() {
    return new RecordingSecrets(random(), random());
  }

  private static String random() {
    char[] chars = new char[10];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }

  @Override
  public String toString() {
    return "RecordingSecrets[redacted]";
  }
}
