package dev.meet.app.rooms;

import dev.meet.core.lock.LockException;
import dev.meet.core.lock.RecordingLockProvider;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rooms whose autoDeletionDate has passed (and purges deleted rooms' recordings), periodically, on one
 * instance at a time: the instance that holds the lock provider's leadership lease for {@code room-collector}.
 */
public final class RoomCollector implements AutoCloseable {

  static final String TASK = "room-collector";
  private static final Logger log = LoggerFactory.getLogger(RoomCollector.class);

  private final RoomService rooms;
  private final RecordingLockProvider locks;
  private final String instanceId;
  private final Duration interval;
  private final ScheduledExecutorService timer;

  public RoomCollector(RoomService rooms, RecordingLockProvider locks, String instanceId, Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("meet.backend.room-collector-interval must be positive, was " + interval);
    }
    this.rooms = rooms;
    this.locks = locks;
    this.instanceId = instanceId;
    this.interval = interval;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "meet-room-collector");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One run, if this instance leads; returns the number of rooms deleted (0 when another instance leads). */
  public int runOnce() {
    try {
      // The lease outlives one interval so the leader keeps it from run to run.
      if (!locks.tryLead(TASK, instanceId, interval.multipliedBy(3))) {
        return 0;
      }
      return rooms.collect();
    } catch (LockException e) {
      log.warn("room collector paused: the lock store is unavailable: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("room collector run failed: {}", e.toString());
    }
    return 0;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
