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
 * @param webhookLeeway clock skew allowed on webhook tokens
 * @param clock the clock of lock acquisition times and the collectors' cut-offs
 * @param listeners told about every stored change
 * @param observer told about starts, webhooks and collector runs; wrapped so that a failing observer never breaks
 *     the flow it observes
 */
record ManagerSettings(String instanceId, Duration startTimeout, Duration lockTtl, Duration collectorInterval,
    Duration collectorGrace, Duration webhookLeeway, Clock clock, List<RecordingListener> listeners,
    RecordingObserver observer) {

  ManagerSettings {
    Objects.requireNonNull(instanceId, "instanceId");
    positive(startTimeout, "startTimeout");
    positive(lockTtl, "lockTtl");
    positive(collectorInterval, "collectorInterval");
    positive(collectorGrace, "collectorGrace");
    Objects.requireNonNull(webhookLeeway, "webhookLeeway");
    Objects.requireNonNull(clock, "clock");
    listeners = List.copyOf(listeners);
    observer = RecordingObserver.all(List.of(Objects.requireNonNull(observer, "observer")));
    if (collectorGrace.compareTo(startTimeout) <= 0) {
      throw new IllegalStateException("collectorGrace (" + collectorGrace + ") must be longer than startTimeout ("
          + startTimeout + "), or the collector could free the lock of a start still waiting");
    }
  }

  private static void positive(Duration value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be a positive duration, was " + value);
    }
  }
}
