package dev.meet.core;

import org.jspecify.annotations.Nullable;

/**
 * Told about every durable change of a recording's state (created, active, ending, ended), after it is stored, on
 * the instance that stored it. The sample app turns these into outgoing webhooks. Listeners must not block; an
 * exception thrown by one is logged and does not affect the others or the change.
 */
@FunctionalInterface
public interface RecordingListener {

  /**
   * @param previous the state before, or null when the recording was just created
   * @param current the state now stored
   */
  void onRecordingChanged(@Nullable Recording previous, Recording current);
}
