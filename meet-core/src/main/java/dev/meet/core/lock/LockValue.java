package dev.meet.core.lock;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What an active lock holds: the attempt that took it, bound to its egress once LiveKit returned one, and who took it
 * when. Locks are compared by their exact stored value (fencing): a release names the value it releases, so a late
 * {@code egress_ended} of an old egress never frees a newer recording's lock.
 *
 * @param token a random token naming the start attempt
 * @param egressId the egress the lock is bound to, null until LiveKit answered the start
 * @param instanceId the instance that took the lock
 * @param acquiredAt when it was taken (millisecond precision survives encoding)
 */
public record LockValue(String token, @Nullable String egressId, String instanceId, Instant acquiredAt) {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  public LockValue {
    requireSafe(token, "token");
    if (egressId != null) {
      requireSafe(egressId, "egressId");
    }
    requireSafe(instanceId, "instanceId");
    Objects.requireNonNull(acquiredAt, "acquiredAt");
    acquiredAt = Instant.ofEpochMilli(acquiredAt.toEpochMilli());
  }

  private static void requireSafe(String value, String field) {
    if (value == null || !SAFE.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " must match [A-Za-z0-9_.:-]{1,128}, was " + value);
    }
  }

  /** The same attempt, bound to its egress. */
  public LockValue boundTo(String egress) {
    return new LockValue(token, egress, instanceId, acquiredAt);
  }
}
