package dev.meet.core;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How to record: the composite layout and the encoding.
 *
 * @param layout {@code grid}, {@code speaker} or {@code single-speaker}; null for {@code grid}
 * @param encoding a preset or options; null for {@link RecordingEncoding#DEFAULT}
 */
public record StartOptions(@Nullable String layout, @Nullable RecordingEncoding encoding) {

  public static final Set<String> LAYOUTS = Set.of("grid", "speaker", "single-speaker");
  public static final String DEFAULT_LAYOUT = "grid";

  public StartOptions {
    if (layout != null && !LAYOUTS.contains(layout)) {
      throw new IllegalArgumentException("layout must be one of grid, speaker, single-speaker; was "
          + Texts.excerpt(layout));
    }
  }

  public static StartOptions defaults() {
    return new StartOptions(null, null);
  }

  public String layoutOrDefault() {
    return layout == null ? DEFAULT_LAYOUT : layout;
  }

  public RecordingEncoding encodingOrDefault() {
    return Objects.requireNonNullElse(encoding, RecordingEncoding.DEFAULT);
  }
}
