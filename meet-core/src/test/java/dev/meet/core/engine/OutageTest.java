package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.CollectorRun;
import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingListener;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.livekit.WebhookDelivery;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress.EgressStatus;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flow 9 of the issue: Redis or S3 going away costs no recording state. Starts fail fast naming Redis, collectors
 * pause and resume by themselves, and a webhook that cannot be stored is answered 503 so LiveKit redelivers it.
 * Each test has a private, stoppable server for the dependency it takes down.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class OutageTest {

  /** Far longer than the test may run: a start that waited for it instead of failing fast would hit @Timeout. */
  private static final Duration LONG_START_TIMEOUT = Duration.ofSeconds(60);

  private @Nullable RecordingSystem system;

  @AfterEach
  void stop() {
    if (system != null) {
      system.close();
    }
  }

  private RecordingManager managerOn(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    RecordingManager manager = system.newManager("instance-a", b -> b.startTimeout(LONG_START_TIMEOUT)
        .collectorGrace(LONG_START_TIMEOUT.plusSeconds(8)));
    system.livekit().addParticipant("room-1", "alice", true);
    return manager;
  }

  @Test
  @Timeout(20)
  void startFailsFastNamingRedisWhileRedisIsDown(@RedisServerExtension.Private RedisServer redis, S3Server s3) {
    RecordingManager manager = managerOn(redis, s3);

    redis.stop();

    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class, e -> {
          assertThat(e.reason()).isEqualTo(RecordingException.Reason.LOCK_STORE_UNAVAILABLE);
          assertThat(e.getMessage()).contains("Redis");
        });
    assertThat(system.livekit().egresses()).isEmpty();
  }

  @Test
  @Timeout(20)
  void startSucceedsAgainOnceRedisIsBack(@RedisServerExtension.Private RedisServer redis, S3Server s3) {
    RecordingManager manager = managerOn(redis, s3);
    redis.stop();
    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOf(RecordingException.class);

    redis.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> manager.collectOrphanedLocks().error() == null);
    Recording recording = manager.start("room-1", StartOptions.defaults());
    assertThat(recording.status()).isEqualTo(RecordingStatus.ACTIVE);
  }

  @Test
  @Timeout(20)
  void collectorsPauseWhileRedisIsDownAndResumeByThemselves(@RedisServerExtension.Private RedisServer redis,
      S3Server s3) {
    RecordingManager manager = managerOn(redis, s3);
    redis.stop();

    CollectorRun locks = manager.collectOrphanedLocks();
    CollectorRun recordings = manager.reconcileStaleRecordings();

    assertThat(locks.ran()).isFalse();
    assertThat(locks.error()).startsWith("lock store unavailable");
    assertThat(recordings.ran()).isFalse();
    assertThat(recordings.error()).startsWith("lock store unavailable");

    redis.start();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      CollectorRun run = manager.collectOrphanedLocks();
      assertThat(run.error()).isNull();
      assertThat(run.ran()).isTrue();
    });
    CollectorRun reconciled = manager.reconcileStaleRecordings();
    assertThat(reconciled.error()).isNull();
    assertThat(reconciled.ran()).isTrue();
  }

  /**
   * The egress writes its MP4 into the same bucket when it completes, so S3 must be up at that moment or the egress
   * itself fails. The test therefore holds the {@code egress_updated(ENDING)} webhook (LiveKit delivers one egress's
   * webhooks in order, so {@code egress_ended} waits behind it) until the egress has completed and uploaded, then
   * takes S3 down: only the storing of {@code egress_ended} meets the outage.
   */
  @Test
  void webhookThatCannotBeStoredWhileS3IsDownIsRedeliveredAndNothingIsLost(RedisServer redis,
      @S3ProxyExtension.Private S3Server s3) throws Exception {
    // Retries after 0.5, 1, 2 and 4 s: time enough to bring S3 back.
    system = new RecordingSystem(redis, s3, b -> b.webhookRetryBase(Duration.ofMillis(500)));
    HoldEnding hold = new HoldEnding();
    RecordingManager manager = system.newManager("instance-a", b -> b.listener(hold));
    system.livekit().addParticipant("room-1", "alice", true);
    Recording recording = manager.start("room-1", StartOptions.defaults());
    String egressId = recording.id().egressId();

    system.livekit().forceEgressStatus(egressId, EgressStatus.EGRESS_COMPLETE);
    assertThat(hold.reached.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        system.livekit().egress(egressId).orElseThrow().getStatus() == EgressStatus.EGRESS_COMPLETE);
    s3.stop();
    hold.release.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> system.livekit().webhookDeliveries("egress_ended").stream()
        .anyMatch(d -> d.statusCode() == 503));
    s3.start();

    await().atMost(Duration.ofSeconds(15)).until(() -> system.livekit().webhookDeliveries("egress_ended").stream()
        .anyMatch(WebhookDelivery::delivered));
    List<WebhookDelivery> ended = system.livekit().webhookDeliveries("egress_ended");
    assertThat(ended.get(0).statusCode()).isEqualTo(503);
    assertThat(ended).last().satisfies(d -> {
      assertThat(d.statusCode()).isEqualTo(200);
      assertThat(d.id()).isEqualTo(ended.get(0).id());
    });
    assertThat(system.webhooks().outcomes()).anySatisfy(outcome -> {
      assertThat(outcome.kind()).isEqualTo(WebhookOutcome.Kind.RETRY);
      assertThat(outcome.message()).startsWith("storage unavailable");
    });
    // 2xx only once the effect is durable: the recording is complete by now.
    Recording complete = manager.get(recording.recordingId()).orElseThrow();
    assertThat(complete.status()).isEqualTo(RecordingStatus.COMPLETE);
    long mediaSize = system.s3Client().headObject(b -> b.bucket(s3.bucket())
        .key("openvidu-meet/recordings/room-1/room-1--" + recording.id().uid() + ".mp4")).contentLength();
    assertThat(complete.size()).isPositive().isEqualTo(mediaSize);
    assertThat(system.newLockProvider().get("room-1")).isEmpty();
  }

  /** Holds the webhook that moves a recording from active to ending until released. */
  private static final class HoldEnding implements RecordingListener {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void onRecordingChanged(@Nullable Recording previous, Recording current) {
      if (previous != null && previous.status() == RecordingStatus.ACTIVE
          && current.status() == RecordingStatus.ENDING) {
        reached.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
