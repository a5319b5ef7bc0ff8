package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.engine.RecordingManager;
import dev.meet.testkit.livekit.LiveKitEmulator;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Starts and stops as Micrometer Observations ({@link ObservedRecordings}). */
class MeetRecordingObservationsTest extends EmulatedContextTest {

  private final TestObservationRegistry observations = TestObservationRegistry.create();

  private ApplicationContextRunner runner() {
    return emulatedRunner().withBean(ObservationRegistry.class, () -> observations);
  }

  @Test
  void aStartAndItsStopAreObservationsUnderTheCallersWithTheOutcomeAsTheOnlyLowCardinalityKey(
      LiveKitEmulator emulator) {
    runner().run(context -> {
      RecordingManager manager = context.getBean(RecordingManager.class);
      RELAY.routeTo(manager);
      String room = room();
      emulator.addParticipant(room, "alice", true);
      Observation request = Observation.start("http.server.requests", observations);

      Recording recording;
      Recording stopping;
      try (Observation.Scope scope = request.openScope()) {
        recording = manager.start(room, StartOptions.defaults());
        stopping = manager.stop(recording.recordingId());
      }
      request.stop();

      assertThat(stopping.status()).isEqualTo(RecordingStatus.ENDING);
      TestObservationRegistryAssert.assertThat(observations)
          .hasNumberOfObservationsWithNameEqualTo(ObservedRecordings.START, 1)
          .hasObservationWithNameEqualTo(ObservedRecordings.START).that()
          .hasContextualNameEqualTo("recording start")
          .hasParentObservationEqualTo(request)
          .hasLowCardinalityKeyValue("outcome", "active")
          .hasHighCardinalityKeyValue(ObservedRecordings.ROOM_ID, room)
          .hasHighCardinalityKeyValue(ObservedRecordings.RECORDING_ID, recording.recordingId())
          .doesNotHaveLowCardinalityKeyValueWithKey(ObservedRecordings.ROOM_ID)
          .doesNotHaveLowCardinalityKeyValueWithKey(ObservedRecordings.RECORDING_ID)
          .doesNotHaveError()
          .hasBeenStarted().hasBeenStopped();
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo(ObservedRecordings.STOP).that()
          .hasContextualNameEqualTo("recording stop")
          .hasParentObservationEqualTo(request)
          .hasLowCardinalityKeyValue("outcome", "ending")
          .hasHighCardinalityKeyValue(ObservedRecordings.RECORDING_ID, recording.recordingId())
          .doesNotHaveLowCardinalityKeyValueWithKey(ObservedRecordings.ROOM_ID)
          .doesNotHaveLowCardinalityKeyValueWithKey(ObservedRecordings.RECORDING_ID)
          .doesNotHaveError()
          .hasBeenStarted().hasBeenStopped();
      await().atMost(Duration.ofSeconds(10)).until(
          () -> manager.get(recording.recordingId()).orElseThrow().status() == RecordingStatus.COMPLETE);
    });
  }

  @Test
  void aFailedStartIsAnObservationWithTheReasonAsOutcomeAndItsError() {
    runner().run(context -> {
      String room = room();
      assertThatThrownBy(() -> context.getBean(RecordingManager.class).start(room, StartOptions.defaults()))
          .isInstanceOf(RecordingException.class);

      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo(ObservedRecordings.START).that()
          .hasLowCardinalityKeyValue("outcome", "room_not_found")
          .hasHighCardinalityKeyValue(ObservedRecordings.ROOM_ID, room)
          .doesNotHaveHighCardinalityKeyValueWithKey(ObservedRecordings.RECORDING_ID)
          .hasError()
          .hasBeenStopped();
    });
  }

  @Test
  void aFailedStopIsAnObservationWithTheReasonAsOutcomeAndItsError() {
    runner().run(context -> {
      String recordingId = room() + "--EG_unknown--0123456789";
      assertThatThrownBy(() -> context.getBean(RecordingManager.class).stop(recordingId))
          .isInstanceOf(RecordingException.class);

      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo(ObservedRecordings.STOP).that()
          .hasLowCardinalityKeyValue("outcome", "recording_not_found")
          .hasHighCardinalityKeyValue(ObservedRecordings.RECORDING_ID, recordingId)
          .hasError()
          .hasBeenStopped();
    });
  }

  @Test
  void withoutMicrometerObservationStartsAndStopsAreNotObserved() {
    emulatedRunner().withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(RecordingManager.class)
            .doesNotHaveBean("meetRecordingObservations"));
  }

  @Test
  void anApplicationObserverNamedLikeOursReplacesIt() {
    runner().withBean("meetRecordingObservations", dev.meet.core.RecordingObserver.class,
            () -> new dev.meet.core.RecordingObserver() { })
        .run(context -> assertThat(context.getBean("meetRecordingObservations"))
            .isNotInstanceOf(ObservedRecordings.class));
  }
}
