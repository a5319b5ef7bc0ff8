package dev.meet.autoconfigure;

import dev.meet.core.webhooks.WebhookDispatcher;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the webhook dispatcher with the application and closes it with it: closed after the recording manager's
 * lifecycle and after Boot's graceful shutdown of the web server (the last LiveKit webhooks it takes still produce
 * their events), so the events of the last recordings are in the outbox; pending ones are delivered after the next
 * start, or by another instance sharing a Redis outbox. A dispatcher publishes before it starts (it delivers once
 * started), so the web server may take webhooks before this starts.
 */
public class MeetWebhooksLifecycle implements SmartLifecycle {

  /**
   * Stopped after {@link MeetLifecycle} ({@code DEFAULT_PHASE - 512}) and Boot's WebServerGracefulShutdownLifecycle
   * ({@code DEFAULT_PHASE - 1024}), before the web server itself ({@code DEFAULT_PHASE - 2048}).
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

  private final WebhookDispatcher dispatcher;
  private volatile boolean running;

  public MeetWebhooksLifecycle(WebhookDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public synchronized void start() {
    if (!running) {
      dispatcher.start();
      running = true;
    }
  }

  /** Closes the dispatcher: a dispatcher does not start again once stopped, and a context is not restarted. */
  @Override
  public synchronized void stop() {
    if (running) {
      running = false;
      dispatcher.close();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
