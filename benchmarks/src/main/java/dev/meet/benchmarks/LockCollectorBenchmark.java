package dev.meet.benchmarks;

import dev.meet.core.CollectorRun;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.lock.LockValue;
import dev.meet.core.support.LockValues;
import dev.meet.testkit.livekit.LiveKitEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
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

/**
 * Benchmark 4a: one run of the orphaned-lock collector over {@code locks} locks in Redis, against the LiveKit
 * emulator, counting what the run costs besides time: LiveKit calls (must stay two), Redis commands, locks examined
 * and released.
 *
 * <ul>
 *   <li>{@code held}: every lock is younger than the grace period, so the run walks them all and releases none (the
 *       steady state: the cost of looking);
 *   <li>{@code orphaned}: every lock is older than the grace period and its room is gone from LiveKit, so the run
 *       releases them all (the worst case after a crash of many instances); they are put back, unmeasured, before
 *       the next run.
 * </ul>
 *
 * <p>Memory: run with {@code -prof gc}; the collector holds one page of locks (200) plus LiveKit's live rooms and
 * egresses, so its allocation grows with the locks it walks but what it holds does not.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class LockCollectorBenchmark {

  private static final Duration LOCK_TTL = Duration.ofHours(6);
  private static final Duration GRACE = Duration.ofHours(1);
  private static final Duration AGE_OF_ORPHANS = Duration.ofHours(2);
  private static final int PIPELINE = 1_000;

  @Param({"1000", "10000", "100000"})
  public int locks;

  @Param({"held", "orphaned"})
  public String scenario;

  private LiveKitEmulator livekit;
  private Backend providers;
  private RecordingManager manager;
  private RespConnection seeder;
  private boolean orphaned;

  @Setup(Level.Trial)
  public void setUp() {
    orphaned = switch (scenario) {
      case "held" -> false;
      case "orphaned" -> true;
      default -> throw new IllegalArgumentException("scenario must be held or orphaned, was " + scenario);
    };
    livekit = LiveKitEmulator.builder().build().start();
    providers = Backend.start("redis-s3");
    // Held locks stay younger than the grace for the whole trial, orphans are older.
    manager = providers.newManager(livekit, b -> b.collectorGrace(GRACE));
    seeder = providers.redis.newConnection();
    seed();
  }

  /**
   * Writes the locks as the Redis provider stores them ({@code {prefix}room:{roomId}} holding the encoded value, with
   * a millisecond TTL), pipelined, because a round trip per lock would make the setup of 100k locks take minutes.
   * Orphans are as old as {@link #AGE_OF_ORPHANS} by their value and by their remaining lifetime.
   */
  private void seed() {
    Instant acquired = orphaned ? Instant.now().minus(AGE_OF_ORPHANS) : Instant.now();
    long ttl = (orphaned ? LOCK_TTL.minus(AGE_OF_ORPHANS) : LOCK_TTL).toMillis();
    String prefix = providers.redis.prefix() + "lock:room:";
    int pending = 0;
    for (int i = 0; i < locks; i++) {
      String egressId = "EG_bench" + String.format("%04d", i % 10_000);
      String value = LockValues.encode(new LockValue("token-" + i, egressId, "crashed-instance", acquired));
      seeder.send("SET", prefix + "room-" + i, value, "PX", Long.toString(ttl));
      if (++pending == PIPELINE) {
        drain(pending);
        pending = 0;
      }
    }
    drain(pending);
  }

  private void drain(int replies) {
    for (int i = 0; i < replies; i++) {
      seeder.read();
    }
  }

  @Benchmark
  public CollectorRun collect(Costs costs) {
    CollectorRun run = manager.collectOrphanedLocks();
    if (!run.ran() || run.error() != null) {
      throw new IllegalStateException("the collector did not run: " + run);
    }
    int expectedReleases = orphaned ? locks : 0;
    if (run.examined() < locks || run.repaired() != expectedReleases) {
      throw new IllegalStateException("expected " + locks + " locks examined and " + expectedReleases
          + " released, the run did " + run);
    }
    costs.runs++;
    costs.examined += run.examined();
    costs.released += run.repaired();
    return run;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    seeder.close();
    manager.close();
    providers.close();
    livekit.close();
  }

  /** What the runs of one iteration cost; the report divides by {@code runs}. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Costs {
    public long runs;
    public long examined;
    public long released;
    public long liveKitCalls;
    public long redisCommands;
    private long liveKitBefore;
    private long redisBefore;

    @Setup(Level.Iteration)
    public void reset() {
      runs = 0;
      examined = 0;
      released = 0;
      liveKitCalls = 0;
      redisCommands = 0;
    }

    @Setup(Level.Invocation)
    public void before(LockCollectorBenchmark bench) {
      if (bench.orphaned) {
        bench.seed();
      }
      liveKitBefore = totalCalls(bench.livekit);
      redisBefore = bench.providers.redisCommands();
    }

    @TearDown(Level.Invocation)
    public void after(LockCollectorBenchmark bench) {
      liveKitCalls += totalCalls(bench.livekit) - liveKitBefore;
      redisCommands += bench.providers.redisCommands() - redisBefore;
    }
  }

  static long totalCalls(LiveKitEmulator livekit) {
    return livekit.requestCounts().values().stream().mapToLong(Long::longValue).sum();
  }
}
