package dev.meet.app.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API key: the configured one, else the one generated on a first start and kept in the data directory, so that
 * clients keep working across restarts. A generated key is printed once, on the console, when it is created (never
 * into the log).
 */
public final class ApiKeys {

  private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final Pattern STORED = Pattern.compile("[A-Za-z0-9_-]{16,128}");
  static final String FILE_NAME = "api-key";

  private ApiKeys() {}

  /**
   * @param configured MEET_API_KEY / meet.api.key, or null
   * @param dataDir where a generated key is kept
   */
  public static String resolve(@Nullable String configured, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      return configured.strip();
    }
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (Files.exists(file)) {
        String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!STORED.matcher(stored).matches()) {
          throw new IllegalStateException(file + " does not hold an API key: delete it to generate a new one, "
              + "or set MEET_API_KEY");
        }
        log.info("using the API key generated earlier file={} (set MEET_API_KEY to choose one)", file);
        return stored;
      }
      Files.createDirectories(dataDir);
      String key = "meet_" + random(32);
      try {
        Files.writeString(file, key + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
      } catch (FileAlreadyExistsException raced) {
        return resolve(null, dataDir);
      }
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the file keeps the directory's permissions.
      }
      System.out.println();
      System.out.println("  No API key was configured: generated one. Send it as X-API-KEY on every call:");
      System.out.println();
      System.out.println("      " + key);
      System.out.println();
      System.out.println("  It is kept in " + file.toAbsolutePath() + " and shown only this once.");
      System.out.println();
      log.warn("no API key configured: generated one and kept it file={} (set MEET_API_KEY to choose one)", file);
      return key;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or write the generated API key in " + file
          + ": set MEET_API_KEY, or make MEET_DATA_DIR writable", e);
    }
  }

  static String random(int length) {
    SecureRandom random = new SecureRandom();
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }
}
