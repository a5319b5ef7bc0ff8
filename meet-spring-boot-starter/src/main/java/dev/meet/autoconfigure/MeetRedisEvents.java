package dev.meet.autoconfigure;

import dev.meet.core.events.EgressSignal;
import dev.meet.core.events.EventsException;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.events.redis.RedisRecordingEvents;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The Redis signals, subscribed when the application starts or, while Redis is down, on the first use after it is
 * back: {@link RedisRecordingEvents} subscribes in its constructor, and a bean method must not need Redis to be up.
 * While the subscription does not exist, publishing and subscribing fail with {@link EventsException} like any other
 * Redis outage (a waiting start then falls back to reading the stored state).
 */
final class MeetRedisEvents implements RecordingEvents, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(MeetRedisEvents.class);

  private final RedissonClient client;
  private final String channel;
  private @Nullable RedisRecordingEvents delegate;
  private boolean closed;
  private volatile boolean running;

  MeetRedisEvents(RedissonClient client, String channel) {
    this.client = client;
    this.channel = channel;
  }

  String channel() {
    return channel;
  }

  /** Whether the Redis subscription exists. */
  synchronized boolean isSubscribed() {
    return delegate != null;
  }

  private synchronized RecordingEvents delegate() {
    if (closed) {
      throw new IllegalStateException("Cannot use these Redis recording events (channel '" + channel
          + "'): they are closed");
    }
    if (delegate == null) {
      delegate = new RedisRecordingEvents(client, channel);
      log.info("meet subscribed to its Redis signals channel={}", channel);
    }
    return delegate;
  }

  @Override
  public void publish(EgressSignal signal) {
    delegate().publish(signal);
  }

  @Override
  public Subscription subscribe(String egressId, Consumer<EgressSignal> listener) {
    return delegate().subscribe(egressId, listener);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (delegate != null) {
      delegate.close();
    }
  }

  /**
   * Subscribes in the background, so that a Redis that is down does not hold the start-up for Redisson's timeouts; if
   * Redis does not answer, the first use after it is back subscribes.
   */
  @Override
  public void start() {
    running = true;
    Thread subscriber = new Thread(this::trySubscribe, "meet-redis-events-subscribe");
    subscriber.setDaemon(true);
    subscriber.start();
  }

  private void trySubscribe() {
    try {
      delegate();
    } catch (EventsException e) {
      log.warn("meet could not subscribe to its Redis signals yet, retrying on first use channel={}: {}", channel,
          e.getMessage());
    } catch (IllegalStateException e) {
      // Closed before the subscription began: nothing to do.
    }
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
