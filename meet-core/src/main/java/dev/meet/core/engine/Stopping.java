package dev.meet.core.engine;

import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingObserver;
import dev.meet.core.RecordingStatus;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stopping a recording: asks LiveKit, never writes the final state itself (webhooks or the reconciler do). */
final class Stopping {

  private static final Logger log = LoggerFactory.getLogger(Stopping.class);

  private Stopping() {}

  /** Stops the recording, its observers told when the stop begins and how it ended. */
  static Recording stop(RecordingId id, String asGiven, LiveKitGateway liveKit, RecordingStates states,
      RecordingObserver observer) {
    RecordingObserver.Operation observed = observer.stopBegan(id.toString());
    Recording stopped;
    try {
      stopped = stop(id, asGiven, liveKit, states);
    } catch (RuntimeException e) {
      observed.ended(id.toString(), e);
      throw e;
    }
    observed.ended(id.toString(), null);
    return stopped;
  }

  private static Recording stop(RecordingId id, String asGiven, LiveKitGateway liveKit, RecordingStates states) {
    Recording recording = states.find(id).orElseThrow(() -> Failures.notFound(asGiven));
    switch (recording.status()) {
      case STARTING -> {
        try {
          liveKit.stopEgress(id.egressId());
        } catch (LiveKitException e) {
          log.info("stopping egress failed egressId={}: {}", id.egressId(), e.getMessage());
        }
        throw new RecordingException(RecordingException.Reason.CANNOT_STOP_WHILE_STARTING,
            "Recording '" + id + "' cannot be stopped while starting");
      }
      case ACTIVE -> {
        EgressState stopped;
        try {
          stopped = liveKit.stopEgress(id.egressId());
        } catch (LiveKitException e) {
          if (e.isNotFound() || "failed_precondition".equals(e.code())) {
            throw new RecordingException(RecordingException.Reason.ALREADY_STOPPED,
                "Recording '" + id + "' is already stopped", e);
          }
          throw Failures.liveKit("Cannot stop recording '" + id + "'", e);
        }
        log.info("recording stopping roomId={} recordingId={}", id.roomId(), id);
        if (stopped.status().isTerminal()) {
          // The final state is written by egress_ended (or the reconciler), never by stop.
          return recording.withStatus(RecordingStatus.ENDING);
        }
        try {
          return states.applyEgress(id, stopped).map(RecordingStates.Applied::recording)
              .orElse(recording.withStatus(RecordingStatus.ENDING));
        } catch (StorageException e) {
          // LiveKit stops anyway; the webhooks will store the outcome.
          return recording.withStatus(RecordingStatus.ENDING);
        }
      }
      default -> throw new RecordingException(RecordingException.Reason.ALREADY_STOPPED,
          "Recording '" + id + "' is already stopped");
    }
  }
}
