package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.StartOptions;
import dev.meet.core.events.EgressSignal;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.events.inmemory.InMemoryRecordingEvents;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A start nobody waits for any more (its future cancelled, its thread interrupted) stops what it started: the egress
 * is asked to stop, the lock goes with the egress's end, no subscription is left behind, and the caller hears
 * CANCELLED, not CLOSED.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class StartCancellationTest {

  private RecordingSystem system;
  private RecordingLockProvider locks;
  private final CountingEvents events = new CountingEvents(new InMemoryRecordingEvents());
  private RecordingManager manager;

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    // The egress stays STARTING long enough for the caller to give up.
    system = new RecordingSystem(redis, s3, b -> b.activationDelay(Duration.ofSeconds(20)));
    locks = system.newLockProvider();
    system.livekit().addParticipant("room-1", "alice", true);
    manager = system.newManager("instance-a", b -> b.events(events).startTimeout(Duration.ofSeconds(30))
        .collectorGrace(Duration.ofSeconds(40)));
  }

  @AfterEach
  void stop() {
    system.close();
    events.close();
  }

  private List<EgressInfo> egressesOfRoom() {
    return system.livekit().egresses().stream().filter(e -> e.getRoomName().equals("room-1")).toList();
  }

  private void awaitWaiting() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !egressesOfRoom().isEmpty() && events.open.get() == 1);
  }

  private void assertEverythingStartedIsStopped() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(egressesOfRoom()).singleElement().satisfies(egress -> assertThat(egress.getStatus())
          .isNotIn(EgressStatus.EGRESS_STARTING, EgressStatus.EGRESS_ACTIVE));
      assertThat(locks.get("room-1")).isEmpty();
      assertThat(events.open.get()).isZero();
    });
  }

  @Test
  void cancellingTheFutureStopsTheEgressReleasesTheLockAndUnsubscribes() {
    CompletableFuture<Recording> start = manager.startAsync("room-1", StartOptions.defaults());
    awaitWaiting();

    start.cancel(true);

    assertEverythingStartedIsStopped();
  }

  @Test
  void interruptingABlockingStartStopsTheEgressAndSaysCancelledNotClosed() throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        manager.start("room-1", StartOptions.defaults());
      } catch (RuntimeException e) {
        failure.set(e);
      }
    });
    caller.start();
    awaitWaiting();

    caller.interrupt();
    caller.join(10_000);

    assertThat(failure.get()).isInstanceOfSatisfying(RecordingException.class,
        e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.CANCELLED));
    assertEverythingStartedIsStopped();
  }

  @Test
  void aShutdownWhileWaitingSaysClosedStopsTheEgressAndUnsubscribes() {
    CompletableFuture<Recording> start = manager.startAsync("room-1", StartOptions.defaults());
    awaitWaiting();

    manager.close();

    assertThat(start).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingRootCause()
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.CLOSED));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(egressesOfRoom()).singleElement().satisfies(egress -> assertThat(egress.getStatus())
          .isNotIn(EgressStatus.EGRESS_STARTING, EgressStatus.EGRESS_ACTIVE));
      assertThat(events.open.get()).isZero();
    });
  }

  /** Counts open subscriptions, so a test sees a leak. */
  private static final class CountingEvents implements RecordingEvents {
    private final RecordingEvents delegate;
    final AtomicInteger open = new AtomicInteger();

    CountingEvents(RecordingEvents delegate) {
      this.delegate = delegate;
    }

    @Override
    public void publish(EgressSignal signal) {
      delegate.publish(signal);
    }

    @Override
    public Subscription subscribe(String egressId, Consumer<EgressSignal> listener) {
      Subscription subscription = delegate.subscribe(egressId, listener);
      open.incrementAndGet();
      AtomicInteger closed = new AtomicInteger();
      return () -> {
        if (closed.getAndIncrement() == 0) {
          open.decrementAndGet();
        }
        subscription.close();
      };
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
