package dev.meet.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Observers and listeners never break the flow they observe. */
final class Observers {

  private static final Logger log = LoggerFactory.getLogger(Observers.class);

  private Observers() {}

  static void quietly(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("recording observer failed", e);
    }
  }
}
