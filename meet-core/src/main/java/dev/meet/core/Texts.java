package dev.meet.core;

import org.jspecify.annotations.Nullable;

/** Safe rendering of untrusted input in messages and logs. */
final class Texts {

  private static final int MAX = 60;

  private Texts() {}

  /** A quoted, shortened form with control characters escaped: hostile input never floods or forges a log line. */
  static String excerpt(@Nullable String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(value.length(), MAX);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > MAX) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.append('\'').toString();
  }
}
