package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.testkit.livekit.LiveKitEmulator;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With Boot's metrics, what the manager does shows up as the meters {@link MeetMetrics} documents. */
class MeetMetricsTest extends EmulatedContextTest {

  private ApplicationContextRunner runner() {
    return emulatedRunner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
        CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));
  }

  private static double count(MeterRegistry meters, String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aRecordingProducesStartLatencyWebhookAndActiveLockMeters(LiveKitEmulator emulator) {
    runner().run(context -> {
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      RecordingManager manager = context.getBean(RecordingManager.class);
      RELAY.routeTo(manager);
      String room = room();
      emulator.addParticipant(room, "alice", true);

      Recording recording = manager.start(room, StartOptions.defaults());

      assertThat(count(meters, "meet.recording.starts", "outcome", "active")).isEqualTo(1);
      assertThat(meters.find("meet.recording.start.latency").tags("outcome", "active").timer().count())
          .isEqualTo(1);
      assertThat(meters.find("meet.locks.active").gauge().value()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(
          () -> count(meters, "meet.livekit.webhooks", "event", "egress_updated", "outcome", "processed") >= 1);

      manager.stop(recording.recordingId());
      await().atMost(Duration.ofSeconds(10)).until(
          () -> manager.get(recording.recordingId()).orElseThrow().status() == RecordingStatus.COMPLETE);

      // Counted when LiveKit is answered, a moment after the stored state changed.
      await().atMost(Duration.ofSeconds(5)).until(
          () -> count(meters, "meet.livekit.webhooks", "event", "egress_ended", "outcome", "processed") >= 1);
      assertThat(count(meters, "meet.livekit.webhooks", "event", "egress_ended", "outcome", "processed"))
          .isEqualTo(1);
      assertThat(meters.find("meet.locks.active").gauge().value()).isZero();
      assertThat(meters.find("meet.recording.start.timeouts").counter()).isNull();
    });
  }

  @Test
  void aStartThatTimesOutCountsAsATimeout(LiveKitEmulator emulator) {
    emulator.faults().egressStuckInStarting(true);
    runner().withPropertyValues("meet.recording.start-timeout=300ms").run(context -> {
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      String room = room();
      emulator.addParticipant(room, "alice", true);

      assertThatThrownBy(() -> context.getBean(RecordingManager.class).start(room, StartOptions.defaults()))
          .isInstanceOf(RecordingException.class);

      assertThat(count(meters, "meet.recording.starts", "outcome", "start_timed_out")).isEqualTo(1);
      assertThat(meters.find("meet.recording.start.latency").tags("outcome", "start_timed_out").timer().count())
          .isEqualTo(1);
      assertThat(count(meters, "meet.recording.start.timeouts")).isEqualTo(1);
    });
  }

  @Test
  void aWebhookWithABadSignatureCountsAsUnverifiedAndRejected() {
    runner().run(context -> {
      context.getBean(RecordingManager.class).handleWebhook("{}".getBytes(StandardCharsets.UTF_8), "forged");

      assertThat(count(context.getBean(MeterRegistry.class), "meet.livekit.webhooks", "event", "unverified",
          "outcome", "rejected")).isEqualTo(1);
    });
  }

  @Test
  void aCollectorRunCountsTheLocksItReleased() {
    runner().withPropertyValues("meet.recording.start-timeout=200ms", "meet.livekit.call-timeout=500ms",
        "meet.collectors.grace=3s",
        "meet.collectors.enabled=false").run(context -> {
          context.getBean(RecordingLockProvider.class).tryAcquire(room(),
              new LockValue(UUID.randomUUID().toString(), null, "crashed", Instant.now().minusSeconds(60)),
              Duration.ofHours(1));

          context.getBean(RecordingManager.class).collectOrphanedLocks();

          assertThat(count(context.getBean(MeterRegistry.class), "meet.collector.releases", "task", "lock-collector"))
              .isEqualTo(1);
        });
  }
}
