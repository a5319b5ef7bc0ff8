package dev.meet.core.storage;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A requested byte range, as HTTP {@code Range: bytes=} forms it: {@code a-b}, {@code a-} or the suffix {@code -n}.
 * Parsing the header is the web layer's job (e.g. Spring's {@code HttpRange}); this only resolves against a size.
 * A range whose last byte is before its first is invalid and, as RFC 9110 (section 14.2) says of an invalid range,
 * ignored: the whole media is served ({@link #isInvalid()}).
 *
 * @param start first byte, or null for a suffix range
 * @param end last byte inclusive, or null for "to the end"; for a suffix range, the suffix length
 */
public record ByteRange(@Nullable Long start, @Nullable Long end) {

  public ByteRange {
    if (start == null && end == null) {
      throw new IllegalArgumentException("a range needs a start or a suffix length");
    }
    if (start != null && start < 0) {
      throw new IllegalArgumentException("range start must not be negative");
    }
    if (end != null && end < 0) {
      throw new IllegalArgumentException("range end must not be negative");
    }
  }

  public static ByteRange from(long start) {
    return new ByteRange(start, null);
  }

  public static ByteRange of(long start, long endInclusive) {
    return new ByteRange(start, endInclusive);
  }

  public static ByteRange suffix(long length) {
    return new ByteRange(null, length);
  }

  /** {@code a-b} with {@code b < a}: RFC 9110 says to ignore such a range and send the whole representation. */
  public boolean isInvalid() {
    return start != null && end != null && end < start;
  }

  /**
   * The inclusive {@code [first, last]} bytes of a file of {@code size} bytes, end clamped to {@code size - 1}; empty
   * when not satisfiable (start beyond the end, empty suffix, empty file). An {@linkplain #isInvalid() invalid}
   * range resolves to the whole file.
   */
  public Optional<long[]> resolve(long size) {
    if (size <= 0) {
      return Optional.empty();
    }
    if (isInvalid()) {
      return Optional.of(new long[] {0, size - 1});
    }
    if (start == null) {
      long length = end;
      if (length == 0) {
        return Optional.empty();
      }
      return Optional.of(new long[] {Math.max(0, size - length), size - 1});
    }
    if (start >= size) {
      return Optional.empty();
    }
    long last = end == null ? size - 1 : Math.min(end, size - 1);
    return Optional.of(new long[] {start, last});
  }
}
