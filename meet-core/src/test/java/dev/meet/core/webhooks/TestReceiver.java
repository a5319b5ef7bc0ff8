package dev.meet.core.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP receiver on loopback (the JDK's HttpServer on a free port). It records every request with the raw
 * body bytes and answers what {@link #answer} says; an answer may block (a hanging receiver) until the test lets it
 * go. It also records the most requests that were ever in progress at once.
 */
final class TestReceiver implements AutoCloseable {

  /** A request as it arrived. */
  record Request(Map<String, List<String>> headers, byte[] rawBody, int concurrentOnArrival) {
    String body() {
      return new String(rawBody, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElseThrow(() -> new AssertionError("no header " + name));
    }

    String event() {
      return WebhookJson.read(body()).get("event").asString();
    }
  }

  /** What to answer; {@code before} runs first and may block. */
  record Answer(int status, Map<String, String> headers, Runnable before) {
    static Answer status(int status) {
      return new Answer(status, Map.of(), () -> { });
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inProgress = new AtomicInteger();
  private final AtomicInteger maxInProgress = new AtomicInteger();
  private volatile Function<Request, Answer> answer = r -> Answer.status(204);

  private TestReceiver(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static TestReceiver start() {
    return startOn(0);
  }

  /** On a given port: a receiver that comes back where it was. */
  static TestReceiver startOn(int port) {
    try {
      return new TestReceiver(port);
    } catch (IOException e) {
      throw new AssertionError("could not start a receiver", e);
    }
  }

  TestReceiver answering(Function<Request, Answer> newAnswer) {
    this.answer = newAnswer;
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + port() + "/webhook";
  }

  int port() {
    return server.getAddress().getPort();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  int maxInProgress() {
    return maxInProgress.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inProgress.incrementAndGet();
    maxInProgress.accumulateAndGet(now, Math::max);
    try (exchange; InputStream in = exchange.getRequestBody()) {
      Request request = new Request(Map.copyOf(exchange.getRequestHeaders()), in.readAllBytes(), now);
      requests.add(request);
      Answer reply = answer.apply(request);
      reply.before().run();
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(reply.status(), -1);
    } finally {
      inProgress.decrementAndGet();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
