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
      public Operation startBegan(String roomId) {
        return Observers.began(each, o -> o.startBegan(roomId));
      }

      @Override
      public Operation stopBegan(String recordingId) {
        return Observers.began(each, o -> o.stopBegan(recordingId));
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
   * A start begins, on the caller's thread (so a tracing observer finds the caller's span there); the operation
   * returned is told once how it ended, on whichever thread ends it.
   *
   * @return what this observer keeps for that start (e.g. a span); {@link Operation#NONE} by default
   */
  default Operation startBegan(String roomId) {
    return Operation.NONE;
  }

  /**
   * A stop begins, on the caller's thread; the operation returned is told once how it ended, before the stop returns.
   *
   * @param recordingId the recording to stop, well-formed
   * @return what this observer keeps for that stop; {@link Operation#NONE} by default
   */
  default Operation stopBegan(String recordingId) {
    return Operation.NONE;
  }

  /**
   * One start or stop in progress, as an observer keeps it (a tracing span, a timer sample); told once how it ended.
   */
  @FunctionalInterface
  interface Operation {

    /** Keeps nothing. */
    Operation NONE = (recordingId, failure) -> { };

    /**
     * The start or stop ended.
     *
     * @param recordingId the recording, when there is one: a start that became active, or any stop
     * @param failure null when the start became active or the stop was accepted, else why not (a
     *     {@link RecordingException} but for bugs)
     */
    void ended(@Nullable String recordingId, @Nullable Throwable failure);
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
