package dev.meet.core.events;

import dev.meet.core.events.RecordingEvents.Subscription;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one process, by egress id. Registering and closing are atomic per egress id, so an egress whose
 * last listener left takes no memory; delivery iterates a snapshot and skips listeners closed meanwhile.
 *
 * <p>Support for {@link RecordingEvents} providers (ours and yours): a transport receives signals and hands them to
 * {@link #of(EgressSignal)}'s registrations.
 */
public final class EgressSubscribers {

  private static final Logger log = LoggerFactory.getLogger(EgressSubscribers.class);

  private final ConcurrentMap<String, List<Registration>> byEgress = new ConcurrentHashMap<>();

  public Registration add(String egressId, Consumer<EgressSignal> listener) {
    Registration registration = new Registration(egressId, listener);
    byEgress.compute(egressId, (id, current) -> {
      List<Registration> list = current == null ? new CopyOnWriteArrayList<>() : current;
      list.add(registration);
      return list;
    });
    return registration;
  }

  /** The listeners of the signal's egress now; empty when there are none. */
  public List<Registration> of(EgressSignal signal) {
    List<Registration> current = byEgress.get(signal.egressId());
    return current == null ? List.of() : List.copyOf(current);
  }

  public void clear() {
    byEgress.values().forEach(list -> list.forEach(Registration::deactivate));
    byEgress.clear();
  }

  /** One listener of one egress. */
  public final class Registration implements Subscription {

    private final String egressId;
    private final Consumer<EgressSignal> listener;
    private volatile boolean open = true;

    private Registration(String egressId, Consumer<EgressSignal> listener) {
      this.egressId = egressId;
      this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Calls the listener unless it was closed meanwhile; its failure never reaches the other listeners. */
    public void deliver(EgressSignal signal) {
      if (!open) {
        return;
      }
      try {
        listener.accept(signal);
      } catch (RuntimeException e) {
        log.warn("Egress signal listener failed egressId={} status={}", signal.egressId(), signal.status().value(), e);
      }
    }

    private void deactivate() {
      open = false;
    }

    @Override
    public void close() {
      open = false;
      byEgress.computeIfPresent(egressId, (id, list) -> {
        list.remove(this);
        return list.isEmpty() ? null : list;
      });
    }
  }
}
