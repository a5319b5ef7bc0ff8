package dev.meet.benchmarks;

import dev.meet.core.RecordingManager;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * end). Every invocation feeds {@value #EVENTS} fresh webhooks: {@value #RECORDINGS} recordings, each through
 * {@code egress_started}, {@code egress_updated} ACTIVE and ENDING and {@code egress_ended} COMPLETE, with the room's
 * lock held and bound to the egress as a start leaves it. Signing them happens before the invocation and is not
 * measured.
 *
 * <p>{@code handle} is the whole path; {@code verifyOnly} is its baseline, the signature check and parse alone.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class WebhookBenchmark {

  static final int RECORDINGS = 50;
  static final int EVENTS = RECORDINGS * 4;

  @Param({"memory", "redis-s3"})
  public String backend;

  private LiveKitEmulator livekit;
  private Backend providers;
  private RecordingManager manager;
  private LiveKitWebhookVerifier verifier;
  private List<SignedWebhook> batch = List.of();

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
    List<SignedWebhook> events = new ArrayList<>(EVENTS);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < RECORDINGS; i++) {
      String uid = HexFormat.of().toHexDigits(random.nextLong()).substring(0, 10);
      String room = "room-" + uid;
      String egressId = "EG_" + uid + "ab";
      LockValue lock = new LockValue("token-" + uid, egressId, "bench-instance", Instant.now());
      LockCycleBenchmark.require(providers.locks.tryAcquire(room, lock, Duration.ofHours(1)), "lock " + room);
      events.addAll(SignedWebhook.recordingLifecycle(livekit.apiKey(), livekit.apiSecret(), room, egressId, uid,
          (r, u) -> providers.storage.mediaTarget(r, u).filepath()));
    }
    batch = events;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void handle(Blackhole blackhole) {
    for (SignedWebhook webhook : batch) {
      WebhookOutcome outcome = manager.handleWebhook(webhook.body(), webhook.authorization());
      if (outcome.httpStatus() != 200 || outcome.kind() != WebhookOutcome.Kind.PROCESSED) {
        throw new IllegalStateException("webhook not processed: " + outcome);
      }
      blackhole.consume(outcome);
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void verifyOnly(Blackhole blackhole) {
    for (SignedWebhook webhook : batch) {
      blackhole.consume(verifier.verify(webhook.body(), webhook.authorization()));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    providers.close();
    livekit.close();
  }
}
