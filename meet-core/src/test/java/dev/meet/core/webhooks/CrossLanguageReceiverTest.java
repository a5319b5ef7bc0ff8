package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.core.webhooks.TestReceiver.Answer;
import dev.meet.core.webhooks.local.LocalWebhookOutbox;
import dev.meet.core.webhooks.local.LocalWebhookTargetStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real receivers in JavaScript (node), Python and PHP, each re-serialising the parsed body the way receivers in the
 * wild do before checking the signature, and a Java receiver checking the raw body. Each answers 204 only for a
 * valid, fresh signature, so every event must end delivered; with a wrong key every event must fail (the control
 * that shows the receivers do check).
 */
class CrossLanguageReceiverTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  static List<WebhookEvent> events() {
    List<WebhookEvent> events = new ArrayList<>();
    int n = 0;
    for (String roomName : List.of("Room", "Réunion d'équipe / 会議 🎥 \"q\" \\ é")) {
      for (double duration : new double[] {12.0, 12.345, 3600.0, 0.5}) {
        events.add(WebhookDeliveryTest.recordingEvent(Integer.toString(++n), WebhookEventType.RECORDING_ENDED,
            roomName, duration));
      }
      events.add(WebhookEvent.room(WebhookEventType.MEETING_STARTED, "room-" + n, roomName,
          System.currentTimeMillis()));
    }
    return events;
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "python", "php", "java"})
  void everyEventPassesTheReceiversSignatureCheck(String language) {
    CountingWebhookObserver seen = new CountingWebhookObserver();
    WebhookDispatcher dispatcher = dispatcher(receiver(language, WebhookDeliveryTest.API_KEY), seen);
    List<WebhookEvent> events = events();

    events.forEach(dispatcher::publish);

    await().atMost(Duration.ofSeconds(30)).until(() -> seen.delivered.size() + seen.failed.size() == events.size());
    assertThat(seen.failed).as("rejected by the %s receiver", language).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "python", "php", "java"})
  void aReceiverWithAnotherKeyRejectsEveryEvent(String language) {
    CountingWebhookObserver seen = new CountingWebhookObserver();
    WebhookDispatcher dispatcher = dispatcher(receiver(language, "another-key"), seen);

    dispatcher.publish(events().get(1));

    await().atMost(Duration.ofSeconds(30)).until(() -> seen.failed.size() == 1);
    assertThat(seen.failed.get(0).lastStatusCode()).isEqualTo(401);
  }

  private WebhookDispatcher dispatcher(String url, CountingWebhookObserver seen) {
    WebhookDispatcher dispatcher = new WebhookDispatcher(WebhookDeliveryTest.fastSettings(),
        LocalWebhookOutbox.inMemory(), new WebhookTargets(LocalWebhookTargetStore.inMemory(), url,
        Clock.systemUTC()), seen, Clock.systemUTC());
    toClose.add(dispatcher);
    dispatcher.start();
    return dispatcher;
  }

  /** Starts a receiver; returns its URL. */
  private String receiver(String language, String key) {
    switch (language) {
      case "java" -> {
        WebhookSigner signer = new WebhookSigner(key);
        TestReceiver receiver = TestReceiver.start().answering(r -> {
          long timestamp = Long.parseLong(r.header("X-Timestamp"));
          boolean fresh = Math.abs(System.currentTimeMillis() - timestamp) <= 120_000;
          return Answer.status(fresh && signer.verify(timestamp, r.body(), r.header("X-Signature")) ? 204 : 401);
        });
        toClose.add(receiver);
        return receiver.url();
      }
      case "javascript" -> {
        return "http://127.0.0.1:" + portPrinted(List.of(ExternalTool.require("node").toString(),
            script("receiver.js").toString()), key) + "/webhook";
      }
      case "python" -> {
        return "http://127.0.0.1:" + portPrinted(List.of(ExternalTool.require("python3").toString(),
            script("receiver.py").toString()), key) + "/webhook";
      }
      case "php" -> {
        int port = freePort();
        Process process = start(List.of(ExternalTool.require("php").toString(), "-S", "127.0.0.1:" + port,
            script("receiver.php").toString()), key);
        await().atMost(Duration.ofSeconds(20)).until(() -> accepts(port) || !process.isAlive());
        assertThat(process.isAlive()).as("php -S started").isTrue();
        return "http://127.0.0.1:" + port + "/webhook";
      }
      default -> throw new IllegalArgumentException(language);
    }
  }

  private int portPrinted(List<String> command, String key) {
    Process process = start(command, key);
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      String port = line.get(20, TimeUnit.SECONDS);
      assertThat(port).as("%s printed its port", command).isNotNull().matches("\\d+");
      return Integer.parseInt(port);
    } catch (Exception e) {
      throw new AssertionError(command + " did not print its port", e);
    }
  }

  private Process start(List<String> command, String key) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
      builder.environment().put("MEET_API_KEY", key);
      Process process = builder.start();
      toClose.add(() -> {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      });
      return process;
    } catch (IOException e) {
      throw new AssertionError("could not start " + command, e);
    }
  }

  private static Path script(String name) {
    try {
      return Path.of(CrossLanguageReceiverTest.class.getResource("/webhooks/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
