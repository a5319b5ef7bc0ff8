package dev.meet.core;

import org.jspecify.annotations.Nullable;

/**
 * What one run of a collector did.
 *
 * @param ran false when another instance leads the task (or the manager is closed), so this one did nothing
 * @param examined locks or recordings looked at
 * @param repaired locks released or recordings reconciled
 * @param error why the run stopped early (a dependency down); the next run retries by itself
 */
public record CollectorRun(boolean ran, int examined, int repaired, @Nullable String error) {

  public static CollectorRun skipped() {
    return new CollectorRun(false, 0, 0, null);
  }
}
