package dev.meet.core.engine;

import dev.meet.core.RecordingException.Reason;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.events.EventsException;
import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.lock.LockException;
import dev.meet.core.storage.CorruptRecordingException;
import dev.meet.core.storage.StorageException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Failure translation: every failure leaves the engine as a {@link RecordingException} naming the dependency. */
final class Failures {

  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  static RecordingException unwrap(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RecordingException re) {
      return re;
    }
    if (cause instanceof IllegalArgumentException iae) {
      return new RecordingException(Reason.INVALID_ARGUMENT, iae.getMessage(), iae);
    }
    if (cause instanceof StorageException se) {
      return storage(se);
    }
    if (cause instanceof LockException le) {
      return new RecordingException(Reason.LOCK_STORE_UNAVAILABLE,
          "The lock store (Redis) is unavailable: " + le.getMessage(), le);
    }
    if (cause instanceof EventsException ee) {
      return new RecordingException(Reason.LOCK_STORE_UNAVAILABLE,
          "The signal transport (Redis) is unavailable: " + ee.getMessage(), ee);
    }
    if (cause instanceof LiveKitException lk) {
      return liveKit("LiveKit call failed", lk);
    }
    if (cause instanceof CancellationException) {
      return new RecordingException(Reason.CANCELLED, "the start was cancelled", cause);
    }
    if (cause instanceof RejectedExecutionException) {
      return new RecordingException(Reason.CLOSED, "the recording manager is closed", cause);
    }
    return new RecordingException(Reason.INTERNAL_ERROR, "unexpected failure: " + cause, cause);
  }

  static RecordingException liveKit(String what, LiveKitException e) {
    return new RecordingException(e.isUnreachable() ? Reason.LIVEKIT_UNAVAILABLE : Reason.LIVEKIT_ERROR,
        what + ": " + e.getMessage(), e);
  }

  static RecordingException startFailure(String roomId, LiveKitException e) {
    if (e.isNotFound()) {
      return new RecordingException(Reason.ROOM_NOT_FOUND, "Room '" + roomId + "' does not exist", e);
    }
    return liveKit("Cannot start a recording in room '" + roomId + "'", e);
  }

  static RecordingException storage(StorageException e) {
    if (e instanceof CorruptRecordingException) {
      // Not an outage, and its message quotes the stored document: the details go to the log, not to the caller.
      log.error("a stored recording cannot be read: {}", e.getMessage());
      return new RecordingException(Reason.INTERNAL_ERROR, "A stored recording cannot be read", e);
    }
    return new RecordingException(Reason.STORAGE_UNAVAILABLE,
        "The recording storage is unavailable: " + e.getMessage(), e);
  }

  static RecordingException notFound(String recordingId) {
    return new RecordingException(Reason.RECORDING_NOT_FOUND, "Recording '" + recordingId.strip() + "' not found");
  }

  static RecordingException closed() {
    return new RecordingException(Reason.CLOSED, "the recording manager is closed");
  }

  static RecordingException closedWhileStarting() {
    return new RecordingException(Reason.CLOSED,
        "the recording manager shut down before the recording became active");
  }

  static RecordingId parseId(String recordingId) {
    try {
      return RecordingId.parse(recordingId);
    } catch (IllegalArgumentException e) {
      throw new RecordingException(Reason.INVALID_ARGUMENT, e.getMessage(), e);
    }
  }

  /** Which dependency a failure came from, for operator messages. */
  static String dependencyName(RuntimeException e) {
    if (e instanceof StorageException) {
      return "storage";
    }
    if (e instanceof LiveKitException) {
      return "LiveKit";
    }
    return "Redis";
  }
}
