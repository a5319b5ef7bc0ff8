package dev.meet.app.web;

import org.jspecify.annotations.Nullable;

/** Query parameters validated as OpenVidu Meet does: a bad value is a 422 naming the parameter. */
public final class Params {

  public static final int DEFAULT_MAX_ITEMS = 10;
  public static final int MAX_ITEMS = 100;

  private Params() {}

  /** {@code maxItems}: default 10, fractions floored, capped at 100; not a positive number → 422. */
  public static int maxItems(@Nullable String raw) {
    if (raw == null || raw.isBlank()) {
      return DEFAULT_MAX_ITEMS;
    }
    double value;
    try {
      value = Double.parseDouble(raw.strip());
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (Double.isNaN(value) || value <= 0) {
      throw ApiException.invalid("maxItems", "maxItems must be a positive number");
    }
    double floored = Math.floor(value);
    if (floored < 1) {
      throw ApiException.invalid("maxItems", "maxItems must be at least 1");
    }
    return (int) Math.min(MAX_ITEMS, floored);
  }

  /** A boolean written {@code true}/{@code false} (any case); absent → the default. */
  public static boolean bool(@Nullable String raw, String name, boolean fallback) {
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    if (raw.equalsIgnoreCase("true")) {
      return true;
    }
    if (raw.equalsIgnoreCase("false")) {
      return false;
    }
    throw ApiException.invalid(name, name + " must be true or false");
  }
}
