package dev.meet.benchmarks;

import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.inmemory.InMemoryRecordingLockProvider;
import dev.meet.core.lock.redis.RedisRecordingLockProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.api.RedissonClient;

/**
 * Benchmark 2: {@code threads} start requests arriving at once, in rounds. Each round releases every worker thread at
 * the same moment (a {@link Phaser}) and ends when all have answered.
 *
 * <ul>
 *   <li>{@code oneRoom}: all threads try to take the lock of ONE room; exactly one wins (checked every round, the
 *       benchmark fails otherwise), the others are rejected; the winner's lock is released after the round, so a
 *       round costs {@code threads} attempts and one release.
 *   <li>{@code distinctRooms}: every thread takes and releases the lock of its own room (a full cycle, which must
 *       succeed): the same load spread over many rooms, until Redis or the CPU saturates.
 * </ul>
 *
 * <p>The score is the time of one round; attempts per second are {@code threads / round time}. Rejected and won
 * attempts are counted ({@link Counters}) so the report can show what a round did.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class LockContentionBenchmark {

  private static final Duration TTL = Duration.ofSeconds(30);

  @Param({"1", "4", "16", "64"})
  public int threads;

  @Param({"oneRoom", "distinctRooms"})
  public String rooms;

  @Param({"redis"})
  public String provider;

  private @Nullable BenchRedis redis;
  private @Nullable RedissonClient redisson;
  private RecordingLockProvider locks;
  private Phaser phaser;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicInteger winners = new AtomicInteger();
  private final AtomicInteger rejections = new AtomicInteger();
  private final AtomicReference<@Nullable LockValue> winner = new AtomicReference<>();
  private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
  private boolean oneRoom;

  @Setup(Level.Trial)
  public void setUp() {
    switch (provider) {
      case "redis" -> {
        redis = BenchRedis.start();
        redisson = redis.newRedisson();
        locks = new RedisRecordingLockProvider(redisson, redis.prefix() + "lock:");
      }
      case "memory" -> locks = new InMemoryRecordingLockProvider();
      default -> throw new IllegalArgumentException("provider must be redis or memory, was " + provider);
    }
    oneRoom = switch (rooms) {
      case "oneRoom" -> true;
      case "distinctRooms" -> false;
      default -> throw new IllegalArgumentException("rooms must be oneRoom or distinctRooms, was " + rooms);
    };
    phaser = new Phaser(threads + 1);
    Instant now = Instant.now();
    for (int i = 0; i < threads; i++) {
      LockValue mine = new LockValue("token-" + i, null, "bench-instance-" + i, now);
      String room = oneRoom ? "contended-room" : "room-" + i;
      Thread worker = new Thread(() -> work(room, mine), "contention-worker-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  /** One worker: each round, one attempt (oneRoom) or one full cycle (distinctRooms). */
  private void work(String room, LockValue mine) {
    while (phaser.arriveAndAwaitAdvance() >= 0) {
      try {
        if (locks.tryAcquire(room, mine, TTL)) {
          winners.incrementAndGet();
          if (oneRoom) {
            winner.set(mine);
          } else if (!locks.release(room, mine)) {
            throw new IllegalStateException("could not release the lock of " + room);
          }
        } else {
          rejections.incrementAndGet();
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
      if (phaser.arriveAndAwaitAdvance() < 0) {
        return;
      }
    }
  }

  @Benchmark
  public int round(Counters counters) {
    winners.set(0);
    rejections.set(0);
    winner.set(null);
    phaser.arriveAndAwaitAdvance();
    phaser.arriveAndAwaitAdvance();
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("a worker failed", failed);
    }
    int won = winners.get();
    if (oneRoom) {
      LockValue held = winner.get();
      if (won != 1 || held == null) {
        throw new IllegalStateException("one room must have exactly one winner per round, had " + won);
      }
      if (!locks.release("contended-room", held)) {
        throw new IllegalStateException("the winner's lock was gone before its release");
      }
    } else if (won != threads) {
      throw new IllegalStateException("every thread must win its own room, " + won + " of " + threads + " did");
    }
    counters.won += won;
    counters.rejected += rejections.get();
    return won;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    phaser.forceTermination();
    for (Thread worker : workers) {
      worker.join(5_000);
    }
    if (redisson != null) {
      redisson.shutdown();
    }
    if (redis != null) {
      redis.close();
    }
  }

  /** Won and rejected attempts per iteration (JMH events), reset each iteration. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Counters {
    public long won;
    public long rejected;

    @Setup(Level.Iteration)
    public void reset() {
      won = 0;
      rejected = 0;
    }
  }
}
