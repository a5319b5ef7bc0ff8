package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.StartOptions;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.webhooks.local.LocalWebhookOutbox;
import dev.meet.core.webhooks.local.LocalWebhookTargetStore;
import dev.meet.testkit.livekit.LiveKitEmulator;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real recording (the LiveKit emulator driven through the manager) produces its recording events, in order,
 * signed, at a loopback receiver, through {@link WebhookRecordingListener}.
 */
class RecordingWebhooksFlowTest {

  @Test
  void aRecordingStartedAndStoppedSendsStartedUpdatedAndEndedInOrder(@TempDir Path recordings,
      @TempDir Path outbox) throws Exception {
    CountingWebhookObserver seen = new CountingWebhookObserver();
    try (TestReceiver receiver = TestReceiver.start();
        LiveKitEmulator livekit = LiveKitEmulator.builder().activationDelay(Duration.ofMillis(200))
            .endingDelay(Duration.ofMillis(100)).outputDirectory(recordings).build().start();
        WebhookDispatcher dispatcher = new WebhookDispatcher(WebhookDeliveryTest.fastSettings(),
            LocalWebhookOutbox.inDirectory(outbox), new WebhookTargets(LocalWebhookTargetStore.inMemory(),
            receiver.url(), Clock.systemUTC()), seen, Clock.systemUTC());
        RecordingManager manager = RecordingManager.builder()
            .liveKit(new LiveKitSettings(livekit.url(), "devkey", "secret"))
            .localStorage(recordings)
            .listener(new WebhookRecordingListener(dispatcher, Clock.systemUTC()))
            .build()) {
      dispatcher.start();
      HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      endpoint.createContext("/livekit/webhook", exchange -> {
        try (exchange; InputStream in = exchange.getRequestBody()) {
          exchange.sendResponseHeaders(manager.handleWebhook(in.readAllBytes(),
              exchange.getRequestHeaders().getFirst("Authorization")).httpStatus(), -1);
        }
      });
      endpoint.start();
      try {
        livekit.addWebhookUrl(URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/livekit/webhook"));
        livekit.addParticipant("room-1", "alice", true);

        String recordingId = manager.start("room-1", StartOptions.defaults()).recordingId();
        manager.stop(recordingId);

        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests().stream()
            .anyMatch(r -> r.event().equals("recordingEnded")));
        assertThat(receiver.requests()).extracting(TestReceiver.Request::event)
            .containsExactly("recordingStarted", "recordingUpdated", "recordingEnded");
        WebhookSigner signer = new WebhookSigner(WebhookDeliveryTest.API_KEY);
        assertThat(receiver.requests()).allSatisfy(r -> {
          assertThat(signer.verify(Long.parseLong(r.header("X-Timestamp")), r.body(), r.header("X-Signature")))
              .isTrue();
          assertThat(WebhookJson.read(r.body()).path("data").path("recordingId").asString()).isEqualTo(recordingId);
        });
        assertThat(WebhookJson.read(receiver.requests().get(2).body()).path("data").path("status").asString())
            .isEqualTo("complete");
      } finally {
        endpoint.stop(0);
      }
    }
  }
}
