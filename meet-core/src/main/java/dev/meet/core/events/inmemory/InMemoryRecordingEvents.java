package dev.meet.core.events.inmemory;

import dev.meet.core.events.EgressSubscribers;
import dev.meet.core.events.EgressSignal;
import dev.meet.core.events.RecordingEvents;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Signals within one process: the single-instance default and the reference for the contract suite.
 *
 * <p>{@link #publish} never calls a listener itself: the publisher may be a webhook handler holding a lock or a
 * transaction, and a listener (a waiting start) may take locks of its own. Every signal is handed to one dispatch
 * thread, so listeners of one provider see signals in publish order, as the Redis provider's listeners do.
 *
 * <pre>{@code
 * try (RecordingEvents events = new InMemoryRecordingEvents()) {
 *   RecordingEvents.Subscription waiting = events.subscribe("EG_abc", signal -> ...);
 *   events.publish(new EgressSignal("EG_abc", RecordingStatus.ACTIVE));
 * }
 * }</pre>
 */
public final class InMemoryRecordingEvents implements RecordingEvents {

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final EgressSubscribers subscribers = new EgressSubscribers();
  private final ExecutorService dispatcher;
  private volatile boolean closed;

  public InMemoryRecordingEvents() {
    String threadName = "meet-events-" + INSTANCES.incrementAndGet();
    this.dispatcher = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, threadName);
      // A forgotten close() must not keep the JVM alive.
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public void publish(EgressSignal signal) {
    Objects.requireNonNull(signal, "signal");
    requireOpen("publish");
    List<EgressSubscribers.Registration> current = subscribers.of(signal);
    if (current.isEmpty()) {
      return;
    }
    try {
      dispatcher.execute(() -> {
        if (!closed) {
          current.forEach(registration -> registration.deliver(signal));
        }
      });
    } catch (RejectedExecutionException e) {
      // close() ran concurrently: delivery has stopped, as it would have a moment later.
      requireOpen("publish");
    }
  }

  @Override
  public Subscription subscribe(String egressId, Consumer<EgressSignal> listener) {
    requireEgressId(egressId);
    Objects.requireNonNull(listener, "listener");
    requireOpen("subscribe");
    return subscribers.add(egressId, listener);
  }

  @Override
  public void close() {
    closed = true;
    subscribers.clear();
    dispatcher.shutdown();
  }

  private void requireOpen(String action) {
    if (closed) {
      throw new IllegalStateException("Cannot " + action + ": these in-memory recording events are closed");
    }
  }

  private static void requireEgressId(String egressId) {
    if (egressId == null || egressId.isBlank()) {
      throw new IllegalArgumentException("egressId must not be blank, was " + egressId);
    }
  }
}
