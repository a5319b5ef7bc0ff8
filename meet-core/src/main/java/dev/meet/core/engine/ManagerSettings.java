package dev.meet.core.engine;

import dev.meet.core.RecordingListener;
import dev.meet.core.RecordingObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The manager's settings, immutable and validated as a whole (the builder only collects them).
 *
 * @param instanceId this instance's name in the locks it takes
 * @param startTimeout how long a start waits for ACTIVE
 * @param lockTtl the longest an active lock lives
 * @param collectorInterval how often the collectors run
 * @param collectorGrace how old a lock or recording must be before the collectors touch it
 * @param liveKitCallTimeout the longest one LiveKit call may take (the grace must cover it)
 * @param webhookLeeway clock skew allowed on webhook tokens
 * @param webhookDeadline how long handling one webhook may take before LiveKit is answered 503
 * @param tombstoneRetention how long a deleted recording's tombstone keeps late egress updates from recreating it
 * @param clock the clock of lock acquisition times and the collectors' cut-offs
 * @param listeners told about every stored change
 * @param observer told about starts, webhooks and collector runs; wrapped so that a failing observer never breaks
 *     the flow it observes
 */
record ManagerSettings(String instanceId, Duration startTimeout, Duration lockTtl, Duration collectorInterval,
    Duration collectorGrace, Duration liveKitCallTimeout, Duration webhookLeeway, Duration webhookDeadline, Duration tombstoneRetention,
    Clock clock, List<RecordingListener> listeners,
    RecordingObserver observer) {

  ManagerSettings {
    Objects.requireNonNull(instanceId, "instanceId");
    positive(startTimeout, "startTimeout");
    positive(lockTtl, "lockTtl");
    positive(collectorInterval, "collectorInterval");
    positive(collectorGrace, "collectorGrace");
    positive(liveKitCallTimeout, "liveKitCallTimeout");
    Objects.requireNonNull(webhookLeeway, "webhookLeeway");
    positive(webhookDeadline, "webhookDeadline");
    positive(tombstoneRetention, "tombstoneRetention");
    Objects.requireNonNull(clock, "clock");
    listeners = List.copyOf(listeners);
    observer = RecordingObserver.all(List.of(Objects.requireNonNull(observer, "observer")));
    if (collectorGrace.compareTo(startTimeout) <= 0) {
      throw new IllegalStateException("collectorGrace (" + collectorGrace + ") must be longer than startTimeout ("
          + startTimeout + "), or the collector could free the lock of a start still waiting");
    }
    Duration minimum = minimumCollectorGrace(liveKitCallTimeout, startTimeout);
    if (collectorGrace.compareTo(minimum) <= 0) {
      throw new IllegalStateException("collectorGrace (" + collectorGrace + ") must be longer than the LiveKit call"
          + " timeout (" + liveKitCallTimeout + ") + startTimeout (" + startTimeout + ") + " + GRACE_MARGIN.toSeconds()
          + " s, or the collector could free the lock of a start still talking to LiveKit");
    }
    if (lockTtl.compareTo(collectorGrace) <= 0) {
      throw new IllegalStateException("lockTtl (" + lockTtl + ") must be longer than collectorGrace ("
          + collectorGrace + "): a lock's age is its lifetime less what is left of it");
    }
  }

  /**
   * What a start may spend between taking its lock and binding it beyond its LiveKit call and its wait: a lock
   * write and a storage write.
   */
  static final Duration GRACE_MARGIN = Duration.ofSeconds(2);

  /** The grace a start needs: its StartRoomCompositeEgress, its wait for ACTIVE, and the margin. */
  static Duration minimumCollectorGrace(Duration liveKitCallTimeout, Duration startTimeout) {
    return liveKitCallTimeout.plus(startTimeout).plus(GRACE_MARGIN);
  }

  /** Start timeout + 30 s, or the minimum + 30 s when the LiveKit call timeout is long. */
  static Duration defaultCollectorGrace(Duration liveKitCallTimeout, Duration startTimeout) {
    Duration usual = startTimeout.plusSeconds(30);
    Duration minimum = minimumCollectorGrace(liveKitCallTimeout, startTimeout);
    return usual.compareTo(minimum) > 0 ? usual : minimum.plusSeconds(30);
  }

  private static void positive(Duration value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be a positive duration, was " + value);
    }
  }
}
