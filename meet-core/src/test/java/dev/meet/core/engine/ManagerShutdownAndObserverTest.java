package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.CollectorRun;
import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingObserver;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Graceful shutdown of a manager, and what its observer is told. */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class ManagerShutdownAndObserverTest {

  private RecordingSystem system;
  private final List<String> observed = new CopyOnWriteArrayList<>();
  private final RecordingObserver observer = new RecordingObserver() {
    @Override
    public void startFinished(String roomId, RecordingException.@Nullable Reason failure, Duration elapsed) {
      observed.add("start:" + roomId + ":" + (failure == null ? "active" : failure.name()));
    }

    @Override
    public void webhookHandled(String event, WebhookOutcome.Kind outcome) {
      observed.add("webhook:" + event + ":" + outcome.name());
    }

    @Override
    public void collectorRan(String task, CollectorRun run) {
      observed.add("collector:" + task + ":" + run.ran());
    }
  };

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    system.livekit().addParticipant("room-1", "alice", true);
  }

  @AfterEach
  void stop() {
    system.close();
  }

  @Test
  void shutdownRejectsAnInFlightStartWithClosedOnceTheGraceIsOver() throws Exception {
    RecordingManager manager = system.newManager("a", b -> b.startTimeout(Duration.ofSeconds(30)).collectorGrace(Duration.ofSeconds(40)));
    system.livekit().faults().egressStuckInStarting(true);
    CompletableFuture<Recording> inFlight = manager.startAsync("room-1", StartOptions.defaults());
    await().until(() -> !system.livekit().egresses().isEmpty());

    manager.shutdown(Duration.ofMillis(200));

    assertThatThrownBy(inFlight::get).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.CLOSED));
    assertThat(manager.isClosed()).isTrue();
  }

  @Test
  void aClosedManagerRefusesNewCallsWithClosed() {
    RecordingManager manager = system.newManager("a");
    manager.close();

    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.CLOSED));
    assertThatThrownBy(() -> manager.stop("room-1--EG_abc--0123456789"))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.CLOSED));
    assertThat(system.livekit().egresses()).isEmpty();
  }

  @Test
  void observerIsToldAboutStartsWebhooksAndCollectorRuns() {
    RecordingManager manager = system.newManager("a", b -> b.observer(observer));
    system.livekit().addParticipant("room-1", "bob", false);

    manager.start("room-1", StartOptions.defaults());
    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOf(RecordingException.class);
    manager.collectOrphanedLocks();

    await().untilAsserted(() -> assertThat(observed).contains(
        "start:room-1:active", "start:room-1:ALREADY_RECORDING", "webhook:egress_updated:PROCESSED",
        "webhook:participant_joined:IGNORED", "collector:lock-collector:true"));
  }

  @Test
  void aFailingObserverNeverBreaksTheFlowItObserves() {
    RecordingManager manager = system.newManager("a", b -> b.observer(new RecordingObserver() {
      @Override
      public void startFinished(String roomId, RecordingException.@Nullable Reason failure, Duration elapsed) {
        throw new IllegalStateException("observer down");
      }
    }));

    Recording recording = manager.start("room-1", StartOptions.defaults());

    assertThat(recording.status()).isEqualTo(RecordingStatus.ACTIVE);
  }

  @Test
  void startsAndStopsAreObservedFromTheCallersThreadToTheirOutcome() {
    List<String> operations = new CopyOnWriteArrayList<>();
    String caller = Thread.currentThread().getName();
    RecordingManager manager = system.newManager("a", b -> b.observer(new RecordingObserver() {
      @Override
      public Operation startBegan(String roomId) {
        operations.add("start began " + roomId + (Thread.currentThread().getName().equals(caller) ? " on caller" : ""));
        return (recordingId, failure) -> operations.add("start ended " + recordingId + " " + reason(failure));
      }

      @Override
      public Operation stopBegan(String recordingId) {
        operations.add("stop began " + recordingId);
        return (id, failure) -> operations.add("stop ended " + id + " " + reason(failure));
      }
    }));

    Recording recording = manager.start("room-1", StartOptions.defaults());
    assertThat(operations).as("ended before the start returned")
        .containsExactly("start began room-1 on caller", "start ended " + recording.recordingId() + " null");
    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults())).isInstanceOf(RecordingException.class);
    manager.stop(recording.recordingId());
    assertThatThrownBy(() -> manager.stop(recording.recordingId())).isInstanceOf(RecordingException.class);

    assertThat(operations).containsExactly(
        "start began room-1 on caller", "start ended " + recording.recordingId() + " null",
        "start began room-1 on caller", "start ended null ALREADY_RECORDING",
        "stop began " + recording.recordingId(), "stop ended " + recording.recordingId() + " null",
        "stop began " + recording.recordingId(), "stop ended " + recording.recordingId() + " ALREADY_STOPPED");
    await().until(() -> manager.get(recording.recordingId()).orElseThrow().status() == RecordingStatus.COMPLETE);
  }

  @Test
  void anObserverFailingToBeginOrEndAnOperationNeitherBreaksItNorKeepsTheOthersFromHearing() {
    List<String> heard = new CopyOnWriteArrayList<>();
    RecordingObserver failing = new RecordingObserver() {
      @Override
      public Operation startBegan(String roomId) {
        throw new IllegalStateException("observer down");
      }

      @Override
      public Operation stopBegan(String recordingId) {
        return (id, failure) -> {
          throw new IllegalStateException("observer down");
        };
      }
    };
    RecordingObserver listening = new RecordingObserver() {
      @Override
      public Operation startBegan(String roomId) {
        return (id, failure) -> heard.add("start " + reason(failure));
      }

      @Override
      public Operation stopBegan(String recordingId) {
        return (id, failure) -> heard.add("stop " + reason(failure));
      }
    };
    RecordingManager manager = system.newManager("a",
        b -> b.observer(RecordingObserver.all(List.of(failing, listening))));

    Recording recording = manager.start("room-1", StartOptions.defaults());
    Recording stopping = manager.stop(recording.recordingId());

    assertThat(recording.status()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(stopping.status()).isEqualTo(RecordingStatus.ENDING);
    assertThat(heard).containsExactly("start null", "stop null");
    await().until(() -> manager.get(recording.recordingId()).orElseThrow().status() == RecordingStatus.COMPLETE);
  }

  private static String reason(@Nullable Throwable failure) {
    return failure instanceof RecordingException e ? e.reason().name() : String.valueOf(failure);
  }
}
