package dev.meet.core.webhooks;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Lets tests in provider packages use the package-private receiver and settings. */
public final class WebhookDeliveryTestAccess {

  private WebhookDeliveryTestAccess() {}

  public static WebhookSettings fastSettings() {
    return WebhookDeliveryTest.fastSettings();
  }

  /** A receiver that answers 204. */
  public static Receiver receiver() {
    return new Receiver(TestReceiver.start());
  }

  public static Receiver receiverOn(int port) {
    return new Receiver(TestReceiver.startOn(port));
  }

  /** Holds the first request until {@code release}, signalling {@code arrived}; answers the rest at once. */
  public static Receiver receiverHangingOnFirst(CountDownLatch arrived, CountDownLatch release) {
    AtomicBoolean first = new AtomicBoolean(true);
    TestReceiver receiver = TestReceiver.start().answering(r -> first.getAndSet(false)
        ? new TestReceiver.Answer(204, java.util.Map.of(), () -> {
          arrived.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        : TestReceiver.Answer.status(204));
    return new Receiver(receiver);
  }

  public static List<String> eventIds(Receiver receiver) {
    return receiver.receiver.requests().stream().map(r -> r.header(WebhookDispatcher.EVENT_ID_HEADER)).toList();
  }

  /** A loopback receiver. */
  public static final class Receiver implements AutoCloseable {
    private final TestReceiver receiver;

    Receiver(TestReceiver receiver) {
      this.receiver = receiver;
    }

    public String url() {
      return receiver.url();
    }

    public int port() {
      return receiver.port();
    }

    public int maxInProgress() {
      return receiver.maxInProgress();
    }

    @Override
    public void close() {
      receiver.close();
    }
  }
}
