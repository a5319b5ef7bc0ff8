package dev.meet.core.events.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.RecordingStatus;
import dev.meet.core.events.AbstractRecordingEventsContractTest;
import dev.meet.core.events.RecordingEvents;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The contract against a real Redis. Two Redisson clients play two application instances; each test has a channel of
 * its own, so test classes sharing the server never hear each other.
 */
@ExtendWith(RedisServerExtension.class)
class RedisRecordingEventsTest extends AbstractRecordingEventsContractTest {

  private static RedissonClient firstInstance;
  private static RedissonClient secondInstance;

  private final String channel = "meet:test:egress-signals:" + UUID.randomUUID();
  private int created;

  @BeforeAll
  static void connect(RedisServer redis) {
    firstInstance = client(redis);
    secondInstance = client(redis);
  }

  @AfterAll
  static void disconnect() {
    firstInstance.shutdown();
    secondInstance.shutdown();
  }

  static RedissonClient client(RedisServer redis) {
    Config config = new Config();
    config.useSingleServer().setAddress(redis.uri());
    return Redisson.create(config);
  }

  @Override
  protected RecordingEvents newEvents() {
    // Alternate clients, so that the first two instances of a test talk through Redis, not through one client.
    return new RedisRecordingEvents(created++ % 2 == 0 ? firstInstance : secondInstance, channel);
  }

  @Override
  protected boolean sharesAcrossInstances() {
    return true;
  }

  @Test
  void oneProviderHoldsOneRedisSubscriptionHoweverManyEgressesAreAwaited() {
    RecordingEvents events = events();
    for (int i = 0; i < 25; i++) {
      events.subscribe(newEgressId(), signal -> { });
    }

    assertThat(firstInstance.getTopic(channel).countSubscribers()).isEqualTo(1);
  }

  @Test
  void aForeignMessageOnTheChannelIsIgnored() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    Received received = new Received();
    events.subscribe(egressId, received);

    firstInstance.getTopic(channel, org.redisson.client.codec.StringCodec.INSTANCE).publish("not a signal");
    events.publish(signal(egressId, RecordingStatus.ACTIVE));

    received.awaitExactly(signal(egressId, RecordingStatus.ACTIVE));
  }

  @Test
  void theDefaultChannelIsSharedByEveryInstance() {
    try (RedisRecordingEvents events = new RedisRecordingEvents(firstInstance)) {
      assertThat(events.channel()).isEqualTo("meet:egress-signals");
    }
  }

  @Test
  void aBlankChannelIsRejected() {
    assertThatThrownBy(() -> new RedisRecordingEvents(firstInstance, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel");
  }
}
