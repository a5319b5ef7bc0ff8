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
  private List<SignedWebhook> webhooks = List.of();

  @Setup(Level.Trial)
  public void setUp() {
    livekit = LiveKitEmulator.builder().build().start();
    providers = Backend.start(backend);
    manager = providers.newManager(livekit, b -> { });
    verifier = new LiveKitWebhookVerifier(livekit.apiKey(), livekit.apiSecret());
  }

  /** Fresh recordings for the next invocation, their rooms locked by their egress as a start leaves them. */
  @Setup(Level.Invocation)
  public void nextBatch() {
    List<SignedWebhook> events = new ArrayList<>(batch * 4);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < batch; i++) {
      String uid = HexFormat.of().toHexDigits(random.nextLong()).substring(0, 10);
      String room = "room-" + uid;
      String egressId = "EG_" + uid + "ab";
      LockValue lock = new LockValue("token-" + uid, egressId, "bench-instance", Instant.now());
      LockCycleBenchmark.require(providers.locks.tryAcquire(room, lock, Duration.ofHours(1)), "lock " + room);
      events.addAll(SignedWebhook.recordingLifecycle(livekit.apiKey(), livekit.apiSecret(), room, egressId, uid,
          (r, u) -> providers.storage.mediaTarget(r, u).filepath()));
    }
    webhooks = events;
  }

  @Benchmark
  public void handle(Events counted, Blackhole blackhole) {
    for (SignedWebhook webhook : webhooks) {
      WebhookOutcome outcome = manager.handleWebhook(webhook.body(), webhook.authorization());
      if (outcome.httpStatus() != 200 || outcome.kind() != WebhookOutcome.Kind.PROCESSED) {
        throw new IllegalStateException("webhook not processed: " + outcome);
      }
      blackhole.consume(outcome);
    }
    counted.events += webhooks.size();
  }

  @Benchmark
  public void verifyOnly(Events counted, Blackhole blackhole) {
    for (SignedWebhook webhook : webhooks) {
      blackhole.consume(verifier.verify(webhook.body(), webhook.authorization()));
    }
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

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    providers.close();
    livekit.close();
  }
}
