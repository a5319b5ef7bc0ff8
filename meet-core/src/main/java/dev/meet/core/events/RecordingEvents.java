package dev.meet.core.events;

import java.util.function.Consumer;

/**
 * Signals between instances: the instance that receives a webhook tells the one waiting for that egress.
 *
 * <p>Delivery is best effort (pub/sub); a waiting start also re-reads the stored state after subscribing, so a signal
 * sent before it subscribed is not missed. Thread-safe. Every implementation passes
 * {@code AbstractRecordingEventsContractTest} (meet-core's test-jar).
 */
public interface RecordingEvents extends AutoCloseable {

  /**
   * Tells every instance (this one included) about an egress.
   *
   * @throws EventsException when the transport is down
   */
  void publish(EgressSignal signal);

  /**
   * Calls {@code listener} for each signal about {@code egressId} published from now on, until the subscription is
   * closed. Listeners run on the provider's threads and must not block.
   *
   * @throws EventsException when the transport is down
   */
  Subscription subscribe(String egressId, Consumer<EgressSignal> listener);

  /** Stops delivering and frees the transport's resources. */
  @Override
  void close();

  /** A registration; closing it twice is harmless. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
