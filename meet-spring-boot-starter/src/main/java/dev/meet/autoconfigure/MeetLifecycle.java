package dev.meet.autoconfigure;

import dev.meet.core.engine.RecordingManager;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the collectors while the application runs, and shuts the manager down gracefully: in-flight starts get
 * {@code meet.recording.shutdown-grace} to finish, then are rejected cleanly.
 *
 * <p>Its phase puts its stop after the web server's graceful shutdown (no new requests, in-flight ones finishing) and
 * before the web server itself stops.
 */
public class MeetLifecycle implements SmartLifecycle {

  /** Between Boot's WebServerGracefulShutdownLifecycle (DEFAULT_PHASE - 1024) and the web server (- 2048). */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

  private final RecordingManager manager;
  private final boolean collectors;
  private final Duration shutdownGrace;
  private volatile boolean running;

  public MeetLifecycle(RecordingManager manager, boolean collectors, Duration shutdownGrace) {
    this.manager = manager;
    this.collectors = collectors;
    this.shutdownGrace = shutdownGrace;
  }

  @Override
  public void start() {
    if (collectors) {
      manager.startSchedules();
    }
    running = true;
  }

  @Override
  public void stop() {
    manager.shutdown(shutdownGrace);
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** A stopped manager cannot be reopened: a paused context is not resumed, it is stopped for good. */
  @Override
  public boolean isPauseable() {
    return false;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
