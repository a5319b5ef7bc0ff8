package dev.meet.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Observers and listeners never break the flow they observe. */
final class Observers {

  private static final Logger log = LoggerFactory.getLogger(Observers.class);

  private Observers() {}

  /**
   * Begins an operation with each observer, and ends each; an observer that throws on either side keeps nothing
   * and does not keep the others from hearing.
   */
  static RecordingObserver.Operation began(List<RecordingObserver> observers,
      Function<RecordingObserver, RecordingObserver.Operation> begin) {
    List<RecordingObserver.Operation> operations = new ArrayList<>(observers.size());
    for (RecordingObserver observer : observers) {
      quietly(() -> operations.add(Objects.requireNonNull(begin.apply(observer), "operation")));
    }
    return (recordingId, failure) -> operations.forEach(o -> quietly(() -> o.ended(recordingId, failure)));
  }

  static void quietly(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("recording observer failed", e);
    }
  }
}
