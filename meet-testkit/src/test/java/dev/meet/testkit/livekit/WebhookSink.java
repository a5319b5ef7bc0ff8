package dev.meet.testkit.livekit;

import com.sun.net.httpserver.HttpServer;
import io.livekit.server.WebhookReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import livekit.LivekitWebhook.WebhookEvent;
import org.jspecify.annotations.Nullable;

/**
 * A webhook receiver for tests: a real HTTP server that checks every request with the LiveKit SDK's own
 * {@link WebhookReceiver} and hands the events over through a queue (no polling, no sleeps).
 */
final class WebhookSink implements AutoCloseable {

  /** One request as received. */
  record Received(byte[] body, @Nullable String authorization, @Nullable String contentType,
                  @Nullable WebhookEvent event, @Nullable String rejection) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final WebhookReceiver receiver;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final List<Received> all = new ArrayList<>();
  private final AtomicInteger answerStatus = new AtomicInteger(200);

  WebhookSink(String apiKey, String apiSecret) throws IOException {
    this.receiver = new WebhookReceiver(apiKey, apiSecret);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        byte[] body = in.readAllBytes();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        WebhookEvent event = null;
        String rejection = null;
        try {
          event = receiver.receive(new String(body, StandardCharsets.UTF_8), auth);
        } catch (Exception e) {
          rejection = e.toString();
        }
        Received r = new Received(body, auth, exchange.getRequestHeaders().getFirst("Content-Type"), event, rejection);
        synchronized (all) {
          all.add(r);
        }
        received.add(r);
        int status = rejection == null ? answerStatus.get() : 401;
        exchange.sendResponseHeaders(status, -1);
      }
    });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/livekit/webhook");
  }

  /** What the sink answers to valid webhooks from now on. */
  void answer(int status) {
    answerStatus.set(status);
  }

  /** The next received request (valid or not), waiting at most {@code timeout}. */
  Received next(Duration timeout) throws InterruptedException {
    Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no webhook received within " + timeout);
    }
    return r;
  }

  /** Skips received webhooks until one verified event matches. */
  WebhookEvent await(Predicate<WebhookEvent> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Received r = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError("no matching webhook within " + timeout + "; received: " + events());
      }
      if (r.event() != null && match.test(r.event())) {
        return r.event();
      }
    }
  }

  WebhookEvent await(String eventName, String egressId, Duration timeout) throws InterruptedException {
    return await(e -> e.getEvent().equals(eventName) && e.getEgressInfo().getEgressId().equals(egressId), timeout);
  }

  /** Everything received so far. */
  List<Received> all() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  /** The names of the verified events received so far, in order. */
  List<String> events() {
    return all().stream().filter(r -> r.event() != null).map(r -> r.event().getEvent()).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
