package dev.meet.core;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Told about what the manager does, for metrics and tracing (the Spring Boot starter turns these into Micrometer
 * meters). Every method has an empty default; implementations must be fast and must not throw (exceptions are logged
 * and ignored).
 */
public interface RecordingObserver {

  /** An observer that does nothing. */
  RecordingObserver NONE = new RecordingObserver() { };

  /** One observer telling all of these, in order; one that throws does not keep the others from hearing. */
  static RecordingObserver all(java.util.List<RecordingObserver> observers) {
    java.util.List<RecordingObserver> each = java.util.List.copyOf(observers);
    return new RecordingObserver() {
      @Override
      public void startFinished(String roomId, RecordingException.@Nullable Reason failure, Duration elapsed) {
        each.forEach(o -> Observers.quietly(() -> o.startFinished(roomId, failure, elapsed)));
      }

      @Override
      public void webhookHandled(String event, WebhookOutcome.Kind outcome) {
        each.forEach(o -> Observers.quietly(() -> o.webhookHandled(event, outcome)));
      }

      @Override
      public void collectorRan(String task, CollectorRun run) {
        each.forEach(o -> Observers.quietly(() -> o.collectorRan(task, run)));
      }
    };
  }

  /**
   * A start finished.
   *
   * @param failure null when the recording became active, else why it did not
   * @param elapsed from the call to its outcome
   */
  default void startFinished(String roomId, RecordingException.@Nullable Reason failure, Duration elapsed) { }

  /**
   * A LiveKit webhook was handled.
   *
   * @param event the event name ({@code egress_updated}, ...), or {@code unverified} when it was rejected
   */
  default void webhookHandled(String event, WebhookOutcome.Kind outcome) { }

  /**
   * A collector ran.
   *
   * @param task {@code lock-collector} or {@code recording-reconciler}
   */
  default void collectorRan(String task, CollectorRun run) { }
}
