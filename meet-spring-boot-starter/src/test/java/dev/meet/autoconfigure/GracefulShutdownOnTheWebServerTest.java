package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.autoconfigure.app.TestApplication;
import dev.meet.core.Recording;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A single instance on its real embedded web server (Tomcat, graceful shutdown), LiveKit posting its webhooks to it:
 * a start still waiting for its ACTIVE webhook when the application is closed completes, because meet's shutdown
 * begins before the web server stops accepting requests.
 */
@ExtendWith(RedisServerExtension.class)
class GracefulShutdownOnTheWebServerTest {

  @RegisterExtension
  static final LiveKitEmulatorExtension LIVEKIT = new LiveKitEmulatorExtension(LiveKitEmulator.builder()
      .webhookRetryBase(Duration.ofMillis(100)));

  @TempDir
  Path recordings;

  @Test
  void aStartWaitingForItsActiveWebhookAtShutdownCompletes(LiveKitEmulator emulator, RedisServer redis) {
    String[] isolated = TestRedis.isolated(redis.uri());
    ConfigurableApplicationContext application = new SpringApplicationBuilder(TestApplication.class)
        .properties(isolated[1], isolated[2])
        .properties(Map.of(
            "spring.data.redis.url", redis.uri(),
            "server.port", "0",
            "server.address", "127.0.0.1",
            "server.shutdown", "graceful",
            "meet.livekit.url", emulator.url(),
            "meet.livekit.api-key", emulator.apiKey(),
            "meet.livekit.api-secret", emulator.apiSecret(),
            "meet.storage.local-directory", recordings.toString(),
            "meet.recording.shutdown-grace", "10s"))
        .run();
    try {
      startInFlightCompletesDuringShutdown(application, emulator);
    } finally {
      application.close();
    }
  }

  private static void startInFlightCompletesDuringShutdown(ConfigurableApplicationContext application,
      LiveKitEmulator emulator) {
    int port = ((WebServerApplicationContext) application).getWebServer().getPort();
    emulator.addWebhookUrl(URI.create("http://127.0.0.1:" + port + "/livekit/webhook"));
    RecordingManager manager = application.getBean(RecordingManager.class);
    String room = "room-" + UUID.randomUUID().toString().substring(0, 8);
    emulator.addParticipant(room, "alice", true);
    // The egress stays STARTING until the test says otherwise: the start is surely waiting when the shutdown begins.
    emulator.faults().egressStuckInStarting(true);
    CompletableFuture<Recording> start = manager.startAsync(room, StartOptions.defaults());
    EgressInfo egress = await().atMost(Duration.ofSeconds(5)).until(() -> emulator.egresses().stream()
        .filter(candidate -> candidate.getRoomName().equals(room)).findFirst().orElse(null), e -> e != null);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(application::close);
    await().atMost(Duration.ofSeconds(5)).until(manager::isClosed);
    emulator.forceEgressStatus(egress.getEgressId(), EgressStatus.EGRESS_ACTIVE);

    assertThat(start).succeedsWithin(Duration.ofSeconds(10))
        .satisfies(recording -> assertThat(recording.status()).isEqualTo(RecordingStatus.ACTIVE));
    assertThat(closing).succeedsWithin(Duration.ofSeconds(10));
  }
}
