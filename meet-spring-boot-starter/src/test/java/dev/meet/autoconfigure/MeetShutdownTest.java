package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.autoconfigure.MeetAutoConfigurationTest.CollectorRuns;
import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingObserver;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.testkit.livekit.LiveKitEmulator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Closing the application stops meet gracefully: in-flight starts finish or are rejected, the collectors stop. */
class MeetShutdownTest extends EmulatedContextTest {

  private ApplicationContextRunner runner() {
    return emulatedRunner();
  }

  /** Starts a recording and returns once its egress exists, so the start is waiting for ACTIVE. */
  private static CompletableFuture<Recording> startInFlight(RecordingManager manager, LiveKitEmulator emulator) {
    String room = room();
    emulator.addParticipant(room, "alice", true);
    CompletableFuture<Recording> start = manager.startAsync(room, StartOptions.defaults());
    await().atMost(Duration.ofSeconds(5))
        .until(() -> emulator.egresses().stream().anyMatch(egress -> egress.getRoomName().equals(room)));
    return start;
  }

  @Test
  void closingTheContextRejectsAStartStillWaitingAfterTheShutdownGraceWithClosed(LiveKitEmulator emulator) {
    emulator.faults().egressStuckInStarting(true);
    runner().withPropertyValues("meet.recording.shutdown-grace=200ms", "meet.recording.start-timeout=30s")
        .run(context -> {
          RecordingManager manager = context.getBean(RecordingManager.class);
          RecordingLockProvider locks = context.getBean(RecordingLockProvider.class);
          CompletableFuture<Recording> start = startInFlight(manager, emulator);
          String room = emulator.egresses().get(emulator.egresses().size() - 1).getRoomName();

          context.close();

          assertThat(start).failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingRootCause()
              .isInstanceOfSatisfying(RecordingException.class,
                  e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.CLOSED));
          assertThat(manager.isClosed()).isTrue();
          // The caller was told the start failed, so its egress is stopped too; its lock stays until that egress's
          // egress_ended reaches an instance (this one is gone) or the collectors see it ended.
          String egressId = emulator.egresses().get(emulator.egresses().size() - 1).getEgressId();
          await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
              emulator.egress(egressId).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_ABORTED));
          assertThat(locks.get(room)).isPresent();
        });
  }

  @Test
  void aStartThatBecomesActiveWithinTheShutdownGraceSucceeds(LiveKitEmulator emulator) {
    runner().withPropertyValues("meet.recording.shutdown-grace=10s").run(context -> {
      RecordingManager manager = context.getBean(RecordingManager.class);
      RELAY.routeTo(manager);
      CompletableFuture<Recording> start = startInFlight(manager, emulator);
      long closing = System.nanoTime();

      context.close();

      assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(5));
      assertThat(start).isCompletedWithValueMatching(recording -> recording.status() == RecordingStatus.ACTIVE);
    });
  }

  @Test
  void closingTheContextStopsTheCollectors() {
    CollectorRuns runs = new CollectorRuns();
    runner().withBean(RecordingObserver.class, () -> runs)
        .withPropertyValues("meet.collectors.interval=100ms", "meet.instance-id=shutdown-collectors")
        .run(context -> {
          await().atMost(Duration.ofSeconds(5)).until(() -> runs.count("lock-collector") >= 1);

          context.close();

          await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
              .noneMatch(thread -> thread.getName().startsWith("meet-timer-shutdown-collectors")));
          long afterClose = runs.count("lock-collector");
          await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
              .until(() -> runs.count("lock-collector") == afterClose);
        });
  }
}
