package dev.meet.core.webhooks.redis;

import dev.meet.core.livekit.LiveKitEvent;
import dev.meet.core.livekit.LiveKitWebhooks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.webhooks.LiveKitRoomWebhooks;
import dev.meet.core.webhooks.RoomActivityStore;
import dev.meet.core.webhooks.RoomEventDeriver;
import dev.meet.core.webhooks.WebhookDispatcher;
import dev.meet.core.webhooks.WebhookEvent;
import dev.meet.core.webhooks.WebhookException;
import dev.meet.core.webhooks.WebhookObserver;
import dev.meet.core.webhooks.WebhookSettings;
import dev.meet.core.webhooks.WebhookTargets;
import dev.meet.core.webhooks.local.LocalRoomActivityStore;
import dev.meet.core.webhooks.local.LocalWebhookOutbox;
import dev.meet.core.webhooks.local.LocalWebhookTargetStore;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import livekit.LivekitModels;
import livekit.LivekitWebhook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Meeting and participant events from LiveKit webhooks: every webhook delivered twice, to two instances at once,
 * publishes each event once, with the activity in memory (one process) and in a real Redis (two clients).
 */
@ExtendWith(RedisServerExtension.class)
class LiveKitRoomWebhooksTest {

  private static RedissonClientPair redis;

  private record RedissonClientPair(org.redisson.api.RedissonClient first, org.redisson.api.RedissonClient second) { }

  @BeforeAll
  static void connect(RedisServer server) {
    redis = new RedissonClientPair(WebhookRedisson.connect(server.uri()), WebhookRedisson.connect(server.uri()));
  }

  @AfterAll
  static void disconnect() {
    redis.first().shutdown();
    redis.second().shutdown();
  }

  private static LiveKitEvent webhook(String event, long at, String participant) {
    LivekitWebhook.WebhookEvent.Builder builder = LivekitWebhook.WebhookEvent.newBuilder().setEvent(event)
        .setId("EV_" + event + at).setCreatedAt(at)
        .setRoom(LivekitModels.Room.newBuilder().setName("room-1").setSid("RM_1"));
    if (participant != null) {
      builder.setParticipant(LivekitModels.ParticipantInfo.newBuilder().setSid("PA_" + participant)
          .setIdentity(participant).setName("Zoë " + participant));
    }
    return LiveKitWebhooks.inEngineTerms(builder.build());
  }

  private static List<LiveKitEvent> meeting() {
    return List.of(webhook("room_started", 1, null), webhook("participant_joined", 2, "a"),
        webhook("participant_joined", 3, "b"), webhook("track_published", 4, "a"),
        webhook("participant_left", 5, "a"), webhook("participant_left", 6, "b"), webhook("room_finished", 7, null));
  }

  private static WebhookDispatcher dispatcher() {
    // Not started: these tests count what is published, delivery is tested elsewhere.
    return new WebhookDispatcher(WebhookSettings.of("key"), LocalWebhookOutbox.inMemory(),
        new WebhookTargets(LocalWebhookTargetStore.inMemory(), "http://127.0.0.1:9/x", Clock.systemUTC()),
        WebhookObserver.NONE, Clock.systemUTC());
  }

  private static Map<String, Long> publishedTwiceByTwoInstances(RoomActivityStore one, RoomActivityStore two)
      throws Exception {
    LiveKitRoomWebhooks first = new LiveKitRoomWebhooks(RoomEventDeriver.withRoomIdOnly(), one, dispatcher());
    LiveKitRoomWebhooks second = new LiveKitRoomWebhooks(RoomEventDeriver.withRoomIdOnly(), two, dispatcher());
    List<WebhookEvent> published = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (LiveKitEvent webhook : meeting()) {
        List<Callable<List<WebhookEvent>>> both = List.of(() -> first.onLiveKitWebhook(webhook),
            () -> second.onLiveKitWebhook(webhook));
        for (Future<List<WebhookEvent>> result : pool.invokeAll(both)) {
          published.addAll(result.get());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return published.stream().collect(Collectors.groupingBy(e -> e.type().value(), Collectors.counting()));
  }

  private static final Map<String, Long> ONCE_EACH = Map.of("meetingStarted", 1L, "participantJoined", 2L,
      "participantLeft", 2L, "meetingEnded", 1L);

  @Test
  void twoInstancesSharingAnInMemoryStorePublishEachEventOnce() throws Exception {
    LocalRoomActivityStore store = new LocalRoomActivityStore();

    assertThat(publishedTwiceByTwoInstances(store, store)).isEqualTo(ONCE_EACH);
  }

  @Test
  void twoInstancesSharingRedisPublishEachEventOnce() throws Exception {
    String prefix = "meet:test:webhooks:" + UUID.randomUUID();

    assertThat(publishedTwiceByTwoInstances(new RedisRoomActivityStore(redis.first(), prefix),
        new RedisRoomActivityStore(redis.second(), prefix))).isEqualTo(ONCE_EACH);
  }

  @Test
  void aRepeatAfterTheFactPublishesNothing() {
    LiveKitRoomWebhooks rooms = new LiveKitRoomWebhooks(RoomEventDeriver.withRoomIdOnly(),
        new RedisRoomActivityStore(redis.first(), "meet:test:webhooks:" + UUID.randomUUID()), dispatcher());
    Function<LiveKitEvent, List<String>> feed = w -> rooms.onLiveKitWebhook(w).stream()
        .map(e -> e.type().value()).toList();

    assertThat(feed.apply(webhook("participant_joined", 2, "a"))).containsExactly("meetingStarted",
        "participantJoined");
    assertThat(feed.apply(webhook("participant_joined", 2, "a"))).isEmpty();
    assertThat(feed.apply(webhook("room_started", 1, null))).isEmpty();
  }

  @Test
  void redisBeingDownIsAWebhookExceptionAndPublishesNothing(@RedisServerExtension.Private RedisServer own) {
    org.redisson.api.RedissonClient client = WebhookRedisson.connect(own.uri());
    try {
      LiveKitRoomWebhooks rooms = new LiveKitRoomWebhooks(RoomEventDeriver.withRoomIdOnly(),
          new RedisRoomActivityStore(client, "meet:test:webhooks:" + UUID.randomUUID()), dispatcher());
      own.stop();

      assertThatThrownBy(() -> rooms.onLiveKitWebhook(webhook("room_started", 1, null)))
          .isInstanceOf(WebhookException.class).hasMessageContaining("room activity");
    } finally {
      client.shutdown();
    }
  }
}
