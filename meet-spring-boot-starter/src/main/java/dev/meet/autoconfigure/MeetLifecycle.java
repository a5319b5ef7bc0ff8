package dev.meet.autoconfigure;

import dev.meet.core.engine.RecordingManager;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the collectors while the application runs, and shuts the manager down gracefully: in-flight starts get
 * {@code meet.recording.shutdown-grace} to finish, then are rejected cleanly.
 *
 * <p>Its phase puts its stop <em>before</em> the web server's graceful shutdown: while in-flight starts wait for their
 * ACTIVE webhook, the server still accepts requests, so on a single instance that webhook still arrives. Requests that
 * would begin new work are refused by the manager itself ({@code CLOSED}) from the first moment of the shutdown.
 */
public class MeetLifecycle implements SmartLifecycle {

  /**
   * Stopped before Boot's WebServerGracefulShutdownLifecycle ({@code DEFAULT_PHASE - 1024}), which stops accepting
   * requests, and started after the web server ({@code DEFAULT_PHASE - 2048}).
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

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
