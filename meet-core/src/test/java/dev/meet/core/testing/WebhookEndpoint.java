package dev.meet.core.testing;

import com.sun.net.httpserver.HttpServer;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.engine.RecordingManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A webhook endpoint for tests, the way a web layer embeds the manager: raw bytes and the Authorization header in,
 * the outcome's status out. Like a load balancer, it routes every webhook to one chosen manager.
 */
public final class WebhookEndpoint implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "test-webhook-endpoint");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicReference<RecordingManager> target = new AtomicReference<>();
  private final List<WebhookOutcome> outcomes = new CopyOnWriteArrayList<>();

  public WebhookEndpoint() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/livekit/webhook", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        byte[] body = in.readAllBytes();
        RecordingManager manager = target.get();
        if (manager == null) {
          // Routed nowhere (between tests): a late webhook of an earlier egress is dropped, not retried into the next.
          exchange.sendResponseHeaders(200, -1);
          return;
        }
        WebhookOutcome outcome = manager.handleWebhook(body, exchange.getRequestHeaders().getFirst("Authorization"));
        outcomes.add(outcome);
        byte[] answer = outcome.message().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(outcome.httpStatus(), answer.length);
        exchange.getResponseBody().write(answer);
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/livekit/webhook");
  }

  /** Every webhook goes to this manager from now on; null drops them. */
  public void routeTo(@Nullable RecordingManager manager) {
    target.set(manager);
  }

  /** What the manager answered, in order. */
  public List<WebhookOutcome> outcomes() {
    return List.copyOf(outcomes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
