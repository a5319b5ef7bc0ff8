package dev.meet.testkit.livekit;

/**
 * How the answer to a call is lost after the call was applied (see {@link Faults#loseAnswer(String, LostAnswer)}).
 * In every case LiveKit did what was asked (an egress was created, stopped, ...), but the caller cannot know it.
 */
public enum LostAnswer {
  /** The answer arrives: no fault. */
  NONE,
  /**
   * No answer at all: the connection stays open, silent, until the caller's own timeout gives up (or the fault is
   * turned off, the emulator closes, or {@link Faults#LOST_ANSWER_HOLD} passes; then it is closed without an answer).
   */
  TIMEOUT,
  /**
   * 503 {@code unavailable} "no response from servers": what LiveKit answers when the egress service's reply does
   * not come back over its RPC bus (psrpc {@code ErrNoResponse}).
   */
  UNAVAILABLE,
  /**
   * 408 {@code deadline_exceeded} "request timed out": what LiveKit answers when the egress service replied too late
   * (psrpc {@code ErrRequestTimedOut}).
   */
  DEADLINE_EXCEEDED
}
