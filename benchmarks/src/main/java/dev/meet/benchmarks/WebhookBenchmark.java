package dev.meet.benchmarks;

import dev.meet.core.engine.RecordingManager;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.livekit.LiveKitWebhookVerifier;
import dev.meet.core.lock.LockValue;
import dev.meet.testkit.livekit.LiveKitEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Benchmark 3: LiveKit webhooks handled per second by one instance, each one verified (HS256 JWT and the SHA-256 of
 * the raw body) and applied (the recording's stored state updated, the signal published, the lock released on the
 * end). Every invocation feeds fresh webhooks: {@code batch} recordings, each through {@code egress_started},
 * {@code egress_updated} ACTIVE and ENDING and {@code egress_ended} COMPLETE, with the room's lock held and bound to
 * the egress as a start leaves it. Signing them happens before the invocation and is not measured.
 *
 * <p>The score that matters is the secondary {@code events} (events per second, {@link Events}); the primary one is
 * batches per second. {@code handle} is the whole path; {@code verifyOnly} is its baseline, the signature check and
 * parse alone.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class WebhookBenchmark {

  @Param({"memory", "memory-shm", "redis-s3"})
  public String backend;

  /** Recordings per invocation (four webhooks each). */
  @Param({"50"})
  public int batch;

  private LiveKitEmulator livekit;
  private Backend providers;
  private RecordingManager manager;
  private LiveKitWebhookVerifier verifier;
  private static final int BATCHES_AHEAD = 40;

  private List<SignedWebhook> webhooks = List.of();
  private final List<Pending> signed = new ArrayList<>();

  @Setup(Level.Trial)
  public void setUp() {
    livekit = LiveKitEmulator.builder().build().start();
    providers = Backend.start(backend);
    manager = providers.newManager(livekit, b -> { });
    verifier = new LiveKitWebhookVerifier(livekit.apiKey(), livekit.apiSecret());
  }

  /**
   * Fresh recordings for the next invocation, their rooms locked by their egress as a start leaves them. Signing is
   * slow next to what is measured, so webhooks are signed {@value #BATCHES_AHEAD} batches at a time, on all cores, and
   * handed out a batch per invocation: iterations then hold many invocations and the code under test gets warm.
   */
  @Setup(Level.Invocation)
  public void nextBatch() {
    if (signed.size() < batch) {
      signAhead();
    }
    List<SignedWebhook> events = new ArrayList<>(batch * 4);
    for (int i = 0; i < batch; i++) {
      Pending next = signed.remove(signed.size() - 1);
      LockCycleBenchmark.require(providers.locks.tryAcquire(next.room(), next.lock(), Duration.ofHours(1)),
          "lock " + next.room());
      events.addAll(next.webhooks());
    }
    webhooks = events;
  }

  private void signAhead() {
    Instant now = Instant.now();
    signed.addAll(java.util.stream.IntStream.range(0, batch * BATCHES_AHEAD).parallel().mapToObj(i -> {
      String uid = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(0, 10);
      String room = "room-" + uid;
      String egressId = "EG_" + uid + "ab";
      return new Pending(room, new LockValue("token-" + uid, egressId, "bench-instance", now),
          SignedWebhook.recordingLifecycle(livekit.apiKey(), livekit.apiSecret(), room, egressId, uid,
              (r, u) -> providers.storage.mediaTarget(r, u).filepath()));
    }).toList());
  }

  /** A recording's webhooks, signed, and the lock its start would have left. */
  private record Pending(String room, LockValue lock, List<SignedWebhook> webhooks) {}

  @Benchmark
  public void handle(Events counted, Cpu cpu, Blackhole blackhole) {
    long cpuStart = Cpu.THREADS.getCurrentThreadCpuTime();
    for (SignedWebhook webhook : webhooks) {
      WebhookOutcome outcome = manager.handleWebhook(webhook.body(), webhook.authorization());
      if (outcome.httpStatus() != 200 || outcome.kind() != WebhookOutcome.Kind.PROCESSED) {
        throw new IllegalStateException("webhook not processed: " + outcome);
      }
      blackhole.consume(outcome);
    }
    cpu.add(cpuStart, webhooks.size());
    counted.events += webhooks.size();
  }

  @Benchmark
  public void verifyOnly(Events counted, Cpu cpu, Blackhole blackhole) {
    long cpuStart = Cpu.THREADS.getCurrentThreadCpuTime();
    for (SignedWebhook webhook : webhooks) {
      blackhole.consume(verifier.verify(webhook.body(), webhook.authorization()));
    }
    cpu.add(cpuStart, webhooks.size());
    counted.events += webhooks.size();
  }

  /** Webhooks handled, reported by JMH as a rate (events per second). */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Events {
    public long events;

    @Setup(Level.Iteration)
    public void reset() {
      events = 0;
    }
  }

  /**
   * CPU time the benchmark thread spent per event: on a loaded machine the wall-clock rate depends on how much of a
   * core the thread got, this does not. {@code 1e9 * cpuEvents / cpuNanos} is the rate one free core would sustain for
   * the work done on the calling thread (work handed to other threads, like Redisson's I/O, is not in it). The
   * report divides {@code cpuNanos} by {@code cpuEvents}.
   */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Cpu {
    static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    public long cpuNanos;
    public long cpuEvents;

    @Setup(Level.Iteration)
    public void reset() {
      cpuNanos = 0;
      cpuEvents = 0;
    }

    void add(long cpuStart, int handled) {
      cpuNanos += THREADS.getCurrentThreadCpuTime() - cpuStart;
      cpuEvents += handled;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    providers.close();
    livekit.close();
  }
}
