package dev.meet.core.events;

import dev.meet.core.RecordingStatus;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * "This egress reached this status", as learnt from a webhook by whichever instance received it. A start waiting for
 * its egress completes on {@code active} and fails fast on a terminal status.
 *
 * @param egressId the egress
 * @param status its recording status
 */
public record EgressSignal(String egressId, RecordingStatus status) {

  private static final Pattern EGRESS_ID = Pattern.compile("EG_[A-Za-z0-9]{1,64}");

  public EgressSignal {
    if (egressId == null || !EGRESS_ID.matcher(egressId).matches()) {
      throw new IllegalArgumentException("egressId must be EG_ followed by letters or digits, was " + egressId);
    }
    Objects.requireNonNull(status, "status");
  }

  /** {@code egressId:status}, the wire form of the pub/sub providers. */
  public String encode() {
    return egressId + ":" + status.value();
  }

  /**
   * @throws IllegalArgumentException when the text is not an encoded signal
   */
  public static EgressSignal decode(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("not an egress signal: " + text);
    }
    return new EgressSignal(text.substring(0, colon), RecordingStatus.of(text.substring(colon + 1)));
  }
}
