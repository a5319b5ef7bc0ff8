package dev.meet.core.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps what a dispatcher reports, for tests to wait on and check. */
public final class CountingWebhookObserver implements WebhookObserver {
  public final List<Delivery> delivered = new CopyOnWriteArrayList<>();
  public final List<Delivery> retried = new CopyOnWriteArrayList<>();
  public final List<Delivery> failed = new CopyOnWriteArrayList<>();
  public final AtomicInteger produced = new AtomicInteger();

  @Override
  public void eventProduced(WebhookEventType type, int deliveries) {
    produced.incrementAndGet();
  }

  @Override
  public void delivered(Delivery delivery, Duration sinceEnqueued) {
    delivered.add(delivery);
  }

  @Override
  public void retried(Delivery delivery, Duration delay) {
    retried.add(delivery);
  }

  @Override
  public void failed(Delivery delivery) {
    failed.add(delivery);
  }
}
