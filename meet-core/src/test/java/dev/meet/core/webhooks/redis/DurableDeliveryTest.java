package dev.meet.core.webhooks.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.core.webhooks.CountingWebhookObserver;
import dev.meet.core.webhooks.Delivery;
import dev.meet.core.webhooks.DeliveryStatus;
import dev.meet.core.webhooks.WebhookDispatcher;
import dev.meet.core.webhooks.WebhookEvent;
import dev.meet.core.webhooks.WebhookEventType;
import dev.meet.core.webhooks.WebhookObserver;
import dev.meet.core.webhooks.WebhookOutbox;
import dev.meet.core.webhooks.WebhookSettings;
import dev.meet.core.webhooks.WebhookTargets;
import dev.meet.core.webhooks.local.LocalWebhookOutbox;
import dev.meet.core.webhooks.local.LocalWebhookTargetStore;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

/**
 * Durability: an instance restarted with deliveries pending (data directory and Redis), and two instances sharing
 * one Redis outbox where one dies in the middle of a delivery.
 */
@ExtendWith(RedisServerExtension.class)
class DurableDeliveryTest {

  private static RedissonClient shared;

  private final String prefix = "meet:test:webhooks:" + UUID.randomUUID();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @TempDir
  Path dataDirectory;

  @BeforeAll
  static void connect(RedisServer redis) {
    shared = WebhookRedisson.connect(redis.uri());
  }

  @AfterAll
  static void disconnect() {
    shared.shutdown();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private static WebhookSettings settings() {
    return dev.meet.core.webhooks.WebhookDeliveryTestAccess.fastSettings();
  }

  private WebhookDispatcher started(WebhookOutbox outbox, String url, WebhookObserver observer) {
    WebhookDispatcher dispatcher = new WebhookDispatcher(settings(), outbox,
        new WebhookTargets(LocalWebhookTargetStore.inMemory(), url, Clock.systemUTC()), observer, Clock.systemUTC());
    toClose.add(dispatcher);
    dispatcher.start();
    return dispatcher;
  }

  private static WebhookEvent event(WebhookEventType type) {
    return WebhookEvent.room(type, "room-1", "Réunion", System.currentTimeMillis());
  }

  @Test
  void deliveriesPendingInTheDataDirectorySurviveARestart() {
    restartWithPending(() -> LocalWebhookOutbox.inDirectory(dataDirectory));
  }

  @Test
  void deliveriesPendingInRedisSurviveARestart(RedisServer redis) {
    restartWithPending(() -> {
      RedissonClient client = WebhookRedisson.connect(redis.uri());
      toClose.add(client::shutdown);
      return new RedisWebhookOutbox(client, prefix);
    });
  }

  private void restartWithPending(Supplier<WebhookOutbox> open) {
    var down = dev.meet.core.webhooks.WebhookDeliveryTestAccess.receiver();
    int port = down.port();
    String url = down.url();
    down.close();
    CountingWebhookObserver before = new CountingWebhookObserver();
    WebhookDispatcher first = started(open.get(), url, before);
    List<String> published = new ArrayList<>();
    for (WebhookEventType type : List.of(WebhookEventType.MEETING_STARTED, WebhookEventType.PARTICIPANT_JOINED,
        WebhookEventType.MEETING_ENDED)) {
      published.add(first.publish(event(type)).get(0).event().eventId());
    }
    await().until(() -> !before.retried.isEmpty());
    first.close();

    var back = dev.meet.core.webhooks.WebhookDeliveryTestAccess.receiverOn(port);
    toClose.add(back);
    CountingWebhookObserver after = new CountingWebhookObserver();
    started(open.get(), url, after);

    await().until(() -> after.delivered.size() == 3);
    assertThat(dev.meet.core.webhooks.WebhookDeliveryTestAccess.eventIds(back)).containsExactlyElementsOf(published);
  }

  @Test
  void whenAnInstanceDiesMidDeliveryAnotherDeliversAfterItsLeaseAndNeverInParallel(RedisServer redis)
      throws InterruptedException {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    var receiver = dev.meet.core.webhooks.WebhookDeliveryTestAccess.receiverHangingOnFirst(arrived, release);
    toClose.add(receiver);
    RedissonClient dying = WebhookRedisson.connect(redis.uri());
    CountingWebhookObserver survivorSaw = new CountingWebhookObserver();
    WebhookDispatcher doomed = started(new RedisWebhookOutbox(dying, prefix), receiver.url(), WebhookObserver.NONE);
    Delivery first = doomed.publish(event(WebhookEventType.PARTICIPANT_JOINED)).get(0);
    Delivery second = doomed.publish(event(WebhookEventType.PARTICIPANT_LEFT)).get(0);
    assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the doomed instance's attempt reached the receiver").isTrue();

    RedisWebhookOutbox sharedOutbox = new RedisWebhookOutbox(shared, prefix);
    started(sharedOutbox, receiver.url(), survivorSaw);
    dying.shutdown(); // the instance dies: it will never record the outcome of its attempt
    release.countDown();

    await().atMost(Duration.ofSeconds(20)).until(() -> survivorSaw.delivered.size() == 2);
    assertThat(dev.meet.core.webhooks.WebhookDeliveryTestAccess.eventIds(receiver)).containsExactly(
        first.event().eventId(), first.event().eventId(), second.event().eventId());
    assertThat(receiver.maxInProgress()).as("never two attempts at once").isEqualTo(1);
    assertThat(sharedOutbox.get(first.deliveryId()).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(sharedOutbox.stats().pending()).isZero();
  }
}
