package dev.meet.core.events.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.RecordingStatus;
import dev.meet.core.events.EgressSignal;
import dev.meet.core.events.EventsException;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/**
 * A Redis outage on a private server: publishing fails loudly while Redis is down, and the same providers deliver
 * again once it is back, because Redisson reconnects and resubscribes the channel on its own.
 */
@ExtendWith(RedisServerExtension.class)
class RedisRecordingEventsRestartTest {

  private static final String CHANNEL = "meet:test:egress-signals";

  private final List<RedissonClient> clients = new CopyOnWriteArrayList<>();

  @AfterEach
  void shutdownClients() {
    clients.forEach(RedissonClient::shutdown);
  }

  @Test
  void publishingFailsWhileRedisIsDownAndDeliveryResumesWhenItIsBack(
      @RedisServerExtension.Private RedisServer redis) {
    RedisRecordingEvents publisher = new RedisRecordingEvents(client(redis), CHANNEL);
    RedisRecordingEvents waiter = new RedisRecordingEvents(client(redis), CHANNEL);
    String egressId = "EG_restart1";
    List<EgressSignal> received = new CopyOnWriteArrayList<>();
    waiter.subscribe(egressId, received::add);
    EgressSignal active = new EgressSignal(egressId, RecordingStatus.ACTIVE);
    publisher.publish(active);
    await().atMost(Duration.ofSeconds(10)).until(() -> received.contains(active));

    redis.stop();

    assertThatThrownBy(() -> publisher.publish(active))
        .isInstanceOf(EventsException.class)
        .hasMessageContaining("Redis")
        .hasCauseInstanceOf(org.redisson.client.RedisException.class);

    redis.start();
    EgressSignal complete = new EgressSignal(egressId, RecordingStatus.COMPLETE);

    // Pub/sub keeps nothing: a signal published before the subscription is back is lost, so keep publishing until
    // one arrives through the resubscribed channel.
    await().atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreException(EventsException.class)
        .until(() -> {
          publisher.publish(complete);
          return received.contains(complete);
        });
  }

  @Test
  void subscribingDuringAnOutageSucceedsAndReceivesOnceRedisIsBack(@RedisServerExtension.Private RedisServer redis) {
    RedisRecordingEvents publisher = new RedisRecordingEvents(client(redis), CHANNEL);
    RedisRecordingEvents waiter = new RedisRecordingEvents(client(redis), CHANNEL);
    String egressId = "EG_restart2";
    List<EgressSignal> received = new CopyOnWriteArrayList<>();

    redis.stop();
    waiter.subscribe(egressId, received::add);
    redis.start();

    EgressSignal active = new EgressSignal(egressId, RecordingStatus.ACTIVE);
    await().atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreException(EventsException.class)
        .until(() -> {
          publisher.publish(active);
          return received.contains(active);
        });
  }

  @Test
  void creatingAProviderWhileRedisIsDownFailsNamingRedis(@RedisServerExtension.Private RedisServer redis) {
    RedissonClient client = client(redis);
    redis.stop();

    assertThatThrownBy(() -> new RedisRecordingEvents(client, CHANNEL))
        .isInstanceOf(EventsException.class)
        .hasMessageContaining("Redis channel");
  }

  /** Short timeouts and reconnection delays, so the outage is noticed and ended within a test's patience. */
  private RedissonClient client(RedisServer redis) {
    Config config = new Config();
    config.useSingleServer()
        .setAddress(redis.uri())
        .setConnectTimeout(500)
        .setTimeout(500)
        .setSubscriptionTimeout(1000)
        .setRetryAttempts(1)
        .setRetryDelay(new ConstantDelay(Duration.ofMillis(100)))
        .setReconnectionDelay(new ConstantDelay(Duration.ofMillis(100)));
    RedissonClient client = Redisson.create(config);
    clients.add(client);
    return client;
  }
}
