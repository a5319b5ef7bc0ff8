package dev.meet.autoconfigure;

import dev.meet.core.RecordingException;
import dev.meet.core.RecordingObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Each start and stop of the {@code RecordingManager} as an Observation: {@value #START} from the call until the
 * recording is active or the start failed, {@value #STOP} around the stop call. Started on the caller's thread, so
 * tracing shows them under the HTTP request that asked. Low-cardinality keys (metric tags): {@code outcome} only
 * ({@code active} or {@code ending}, else the failure reason: {@code already_recording}, {@code start_timed_out}, ...,
 * {@code error} for an unexpected exception). The room and recording ids are high-cardinality keys
 * ({@value #ROOM_ID}, {@value #RECORDING_ID}): on spans, never on metrics.
 */
final class ObservedRecordings implements RecordingObserver {

  static final String START = "meet.recording.start";
  static final String STOP = "meet.recording.stop";
  static final String ROOM_ID = "meet.room.id";
  static final String RECORDING_ID = "meet.recording.id";

  private final Supplier<ObservationRegistry> registry;

  ObservedRecordings(Supplier<ObservationRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public Operation startBegan(String roomId) {
    Observation observation = Observation.createNotStarted(START, registry.get())
        .contextualName("recording start")
        .highCardinalityKeyValue(ROOM_ID, roomId)
        .start();
    return (recordingId, failure) -> ended(observation, recordingId, failure, "active");
  }

  @Override
  public Operation stopBegan(String recordingId) {
    Observation observation = Observation.createNotStarted(STOP, registry.get())
        .contextualName("recording stop")
        .highCardinalityKeyValue(RECORDING_ID, recordingId)
        .start();
    return (id, failure) -> ended(observation, id, failure, "ending");
  }

  private static void ended(Observation observation, @Nullable String recordingId, @Nullable Throwable failure,
      String success) {
    if (recordingId != null) {
      observation.highCardinalityKeyValue(RECORDING_ID, recordingId);
    }
    observation.lowCardinalityKeyValue("outcome", outcome(failure, success));
    if (failure != null) {
      observation.error(failure);
    }
    observation.stop();
  }

  static String outcome(@Nullable Throwable failure, String success) {
    if (failure == null) {
      return success;
    }
    return failure instanceof RecordingException e ? e.reason().name().toLowerCase(Locale.ROOT) : "error";
  }
}
