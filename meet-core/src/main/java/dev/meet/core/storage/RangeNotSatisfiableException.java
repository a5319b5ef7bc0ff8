package dev.meet.core.storage;

/** The requested range lies outside the media ({@code 416}, with {@code Content-Range: bytes *}{@code /size}). */
public class RangeNotSatisfiableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long size;

  public RangeNotSatisfiableException(long size) {
    super("range not satisfiable: the media has " + size + " bytes");
    this.size = size;
  }

  public long size() {
    return size;
  }
}
