package dev.meet.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A byte range of a recording's media, streamed from storage (never loaded whole). Close it.
 *
 * @param stream the bytes {@code start..end} inclusive
 * @param start first byte
 * @param end last byte (inclusive)
 * @param totalSize the whole file's size
 */
public record MediaContent(InputStream stream, long start, long end, long totalSize) implements AutoCloseable {
  public MediaContent {
    Objects.requireNonNull(stream, "stream");
    if (start < 0 || end < start - 1 || end >= totalSize) {
      throw new IllegalArgumentException("bad range " + start + "-" + end + "/" + totalSize);
    }
  }

  public long length() {
    return end - start + 1;
  }

  /** Whether this is the whole file. */
  public boolean isWhole() {
    return start == 0 && end == totalSize - 1;
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
