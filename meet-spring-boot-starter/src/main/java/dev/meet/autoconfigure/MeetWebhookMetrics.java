package dev.meet.autoconfigure;

import dev.meet.core.webhooks.Delivery;
import dev.meet.core.webhooks.OutboxStats;
import dev.meet.core.webhooks.WebhookEventType;
import dev.meet.core.webhooks.WebhookException;
import dev.meet.core.webhooks.WebhookObserver;
import dev.meet.core.webhooks.WebhookOutbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * The webhook meters:
 *
 * <ul>
 *   <li>{@code meet.webhooks.events} (counter, tag {@code event}): events produced
 *   <li>{@code meet.webhooks.delivered} (timer, tag {@code event}): deliveries that reached their target, timed from
 *       entering the outbox
 *   <li>{@code meet.webhooks.retries} (counter, tag {@code event}): failed attempts that will be retried
 *   <li>{@code meet.webhooks.failed} (counter, tag {@code event}): deliveries given up and kept as failed
 *   <li>{@code meet.webhooks.outbox.pending} (gauge): pending deliveries in the outbox (every instance's, when shared)
 *   <li>{@code meet.webhooks.outbox.oldest.age} (gauge, seconds): age of the oldest pending delivery, 0 when none
 * </ul>
 *
 * <p>The gauges read the outbox on each scrape; while it is unreachable they report NaN.
 */
public class MeetWebhookMetrics implements WebhookObserver, MeterBinder {

  private final WebhookOutbox outbox;
  private final Clock clock;
  // Until Boot binds it, counts go nowhere; bound, they go to the application's registries.
  private final CompositeMeterRegistry meters = new CompositeMeterRegistry();

  public MeetWebhookMetrics(WebhookOutbox outbox, Clock clock) {
    this.outbox = outbox;
    this.clock = clock;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    meters.add(registry);
    Gauge.builder("meet.webhooks.outbox.pending", this, m -> m.stats("pending"))
        .description("Pending webhook deliveries in the outbox").register(registry);
    Gauge.builder("meet.webhooks.outbox.oldest.age", this, m -> m.stats("age"))
        .description("Age of the oldest pending webhook delivery").baseUnit("seconds").register(registry);
  }

  private double stats(String which) {
    try {
      OutboxStats stats = outbox.stats();
      return which.equals("pending") ? stats.pending()
          : stats.oldestPendingAge(clock.millis()).toMillis() / 1000.0;
    } catch (WebhookException e) {
      return Double.NaN;
    }
  }

  @Override
  public void eventProduced(WebhookEventType type, int deliveries) {
    Counter.builder("meet.webhooks.events").description("Webhook events produced").tag("event", type.value())
        .register(meters).increment();
  }

  @Override
  public void delivered(Delivery delivery, Duration sinceEnqueued) {
    Timer.builder("meet.webhooks.delivered").description("Webhook deliveries that reached their target")
        .tag("event", delivery.event().type().value()).register(meters).record(sinceEnqueued);
  }

  @Override
  public void retried(Delivery delivery, Duration delay) {
    Counter.builder("meet.webhooks.retries").description("Failed webhook attempts that will be retried")
        .tag("event", delivery.event().type().value()).register(meters).increment();
  }

  @Override
  public void failed(Delivery delivery) {
    Counter.builder("meet.webhooks.failed").description("Webhook deliveries given up and kept as failed")
        .tag("event", delivery.event().type().value()).register(meters).increment();
  }
}
