package dev.meet.benchmarks;

import dev.meet.core.CollectorRun;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.WebhookOutcome;
import dev.meet.testkit.livekit.LiveKitEmulator;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
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
 * Benchmark 4b: one run of the stale-recording reconciler with {@code recordings} finished (terminal) recordings
 * stored, none stale: the history a deployment accumulates, which the reconciler has nothing to do with. Its cost
 * should not depend on that number. Counted per run: LiveKit calls, storage calls, S3 HTTP requests, Redis
 * commands.
 *
 * <p>The recordings are stored the way production stores them: each one's {@code egress_ended} webhook is handled by
 * the manager (an upsert), before the measurement. {@code memory-shm} keeps them in the local storage on tmpfs (100k
 * recordings on a disk that forces every write would take the setup an hour); {@code redis-s3} in s3proxy.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class ReconcilerBenchmark {

  @Param({"1000", "10000", "100000"})
  public int recordings;

  @Param({"memory-shm"})
  public String backend;

  private LiveKitEmulator livekit;
  private Backend providers;
  private RecordingManager manager;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    livekit = LiveKitEmulator.builder().build().start();
    providers = Backend.start(backend);
    manager = providers.newManager(livekit, b -> { });
    store();
  }

  /** Stores the finished recordings through their egress_ended webhooks, a few threads at a time. */
  private void store() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          for (int i = first; i < recordings; i += threads) {
            String uid = HexFormat.of().toHexDigits((long) i).substring(6);
            List<SignedWebhook> lifecycle = SignedWebhook.recordingLifecycle(livekit.apiKey(), livekit.apiSecret(),
                "room-" + (i % 1000), "EG_" + uid + "ab", uid, (r, u) -> providers.storage.mediaTarget(r, u).filepath());
            SignedWebhook ended = lifecycle.get(lifecycle.size() - 1);
            WebhookOutcome outcome = manager.handleWebhook(ended.body(), ended.authorization());
            if (outcome.kind() != WebhookOutcome.Kind.PROCESSED) {
              throw new IllegalStateException("could not store recording " + i + ": " + outcome);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Benchmark
  public CollectorRun reconcile(Costs costs) {
    CollectorRun run = manager.reconcileStaleRecordings();
    if (!run.ran() || run.error() != null || run.repaired() != 0) {
      throw new IllegalStateException("the reconciler should run and repair nothing: " + run);
    }
    costs.runs++;
    costs.examined += run.examined();
    return run;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
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
    public long liveKitCalls;
    public long storageCalls;
    public long s3Requests;
    public long redisCommands;
    private long liveKitBefore;
    private long storageBefore;
    private long s3Before;
    private long redisBefore;

    @Setup(Level.Iteration)
    public void reset() {
      runs = 0;
      examined = 0;
      liveKitCalls = 0;
      storageCalls = 0;
      s3Requests = 0;
      redisCommands = 0;
    }

    @Setup(Level.Invocation)
    public void before(ReconcilerBenchmark bench) {
      liveKitBefore = LockCollectorBenchmark.totalCalls(bench.livekit);
      storageBefore = bench.providers.storage.calls();
      s3Before = bench.providers.s3Requests();
      redisBefore = bench.providers.redisCommands();
    }

    @TearDown(Level.Invocation)
    public void after(ReconcilerBenchmark bench) {
      liveKitCalls += LockCollectorBenchmark.totalCalls(bench.livekit) - liveKitBefore;
      storageCalls += bench.providers.storage.calls() - storageBefore;
      s3Requests += bench.providers.s3Requests() - s3Before;
      redisCommands += bench.providers.redisCommands() - redisBefore;
    }
  }
}
