package dev.meet.core.events.redis;

import dev.meet.core.events.EgressSubscribers;
import dev.meet.core.events.EgressSignal;
import dev.meet.core.events.EventsException;
import dev.meet.core.events.RecordingEvents;
import java.util.Objects;
import java.util.function.Consumer;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals across instances over one Redis pub/sub channel (Redisson {@link RTopic}, plain strings
 * {@code egressId:status}).
 *
 * <p>Each provider holds exactly ONE Redis subscription, taken in the constructor, and dispatches to its local
 * listeners by egress id: a start waiting for its egress costs a map entry, not a Redis round trip, so
 * {@link #subscribe} never touches Redis and never fails because of it. Published signals go through Redis to every
 * instance, this one included.
 *
 * <p>After a Redis outage Redisson reconnects and resubscribes the channel by itself; signals published while the
 * subscription was down are lost (pub/sub keeps nothing), which the engine tolerates because a waiting start re-reads
 * the stored state. Listeners run on Redisson's threads, one signal at a time and in publish order per channel.
 *
 * <pre>{@code
 * RecordingEvents events = new RedisRecordingEvents(redisson, RedisRecordingEvents.DEFAULT_CHANNEL);
 * }</pre>
 */
public final class RedisRecordingEvents implements RecordingEvents {

  /** The channel every instance of one deployment shares unless configured otherwise. */
  public static final String DEFAULT_CHANNEL = "meet:egress-signals";

  private static final Logger log = LoggerFactory.getLogger(RedisRecordingEvents.class);

  private final String channel;
  private final RTopic topic;
  private final EgressSubscribers subscribers = new EgressSubscribers();
  private final int listenerId;
  private volatile boolean closed;

  /** On {@link #DEFAULT_CHANNEL}. */
  public RedisRecordingEvents(RedissonClient client) {
    this(client, DEFAULT_CHANNEL);
  }

  /**
   * Subscribes to the channel now.
   *
   * @param channel the pub/sub channel; instances that should hear each other use the same one
   * @throws EventsException when Redis cannot be reached to subscribe
   */
  public RedisRecordingEvents(RedissonClient client, String channel) {
    Objects.requireNonNull(client, "client");
    if (channel == null || channel.isBlank()) {
      throw new IllegalArgumentException("channel must not be blank, was " + channel);
    }
    this.channel = channel;
    this.topic = client.getTopic(channel, StringCodec.INSTANCE);
    try {
      this.listenerId = topic.addListener(String.class, (name, message) -> onMessage(message));
    } catch (RedisException e) {
      throw new EventsException("Could not subscribe to Redis channel '" + channel + "': " + e.getMessage(), e);
    }
    log.debug("Subscribed to egress signals channel={}", channel);
  }

  /** The channel this provider publishes to and listens on. */
  public String channel() {
    return channel;
  }

  /**
   * @throws EventsException when Redis is unreachable or fails the PUBLISH
   */
  @Override
  public void publish(EgressSignal signal) {
    Objects.requireNonNull(signal, "signal");
    requireOpen("publish");
    try {
      topic.publish(signal.encode());
    } catch (RedisException e) {
      throw new EventsException("Could not publish egress signal " + signal.encode() + " to Redis channel '" + channel
          + "': " + e.getMessage(), e);
    }
  }

  /** Registers locally only: it does not call Redis, so it does not throw {@link EventsException}. */
  @Override
  public Subscription subscribe(String egressId, Consumer<EgressSignal> listener) {
    if (egressId == null || egressId.isBlank()) {
      throw new IllegalArgumentException("egressId must not be blank, was " + egressId);
    }
    Objects.requireNonNull(listener, "listener");
    requireOpen("subscribe");
    return subscribers.add(egressId, listener);
  }

  /**
   * Stops local delivery at once and drops the Redis subscription without waiting for Redis, so closing during an
   * outage does not block.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    subscribers.clear();
    try {
      topic.removeListenerAsync(listenerId).whenComplete((done, failure) -> {
        if (failure != null) {
          log.debug("Could not unsubscribe from Redis channel={} ({})", channel, failure.toString());
        }
      });
    } catch (RuntimeException e) {
      // The client was shut down first: its subscriptions are gone with it.
      log.debug("Could not unsubscribe from Redis channel={} ({})", channel, e.toString());
    }
  }

  private void onMessage(String message) {
    if (closed) {
      return;
    }
    EgressSignal signal;
    try {
      signal = EgressSignal.decode(message);
    } catch (IllegalArgumentException e) {
      // Someone else publishes on our channel: a misconfiguration an operator should see, not a reason to fail.
      log.warn("Ignoring a message that is not an egress signal channel={} length={}", channel, message.length());
      return;
    }
    subscribers.of(signal).forEach(registration -> registration.deliver(signal));
  }

  private void requireOpen(String action) {
    if (closed) {
      throw new IllegalStateException("Cannot " + action + ": these Redis recording events (channel '" + channel
          + "') are closed");
    }
  }
}
