package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.autoconfigure.app.TestApplication;
import dev.meet.core.Recording;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.engine.RecordingManager;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.server.RouterFunction;

/**
 * A reactive application (WebFlux on Netty, Spring Security's reactive default chain on) with the starter: LiveKit's
 * webhooks reach the router function, and a whole recording runs through it.
 */
@ExtendWith(RedisServerExtension.class)
class ReactiveApplicationTest {

  @RegisterExtension
  static final LiveKitEmulatorExtension LIVEKIT = new LiveKitEmulatorExtension(LiveKitEmulator.builder()
      .activationDelay(Duration.ofMillis(300))
      .endingDelay(Duration.ofMillis(100))
      .webhookRetryBase(Duration.ofMillis(100)));

  @TempDir
  static Path recordings;

  private static ConfigurableApplicationContext application;
  private static URI webhookUrl;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startTheReactiveApplication(LiveKitEmulator emulator, RedisServer redis) {
    String[] isolated = TestRedis.isolated(redis.uri());
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("spring.main.web-application-type", "reactive");
    properties.put("server.port", "0");
    properties.put("server.address", "127.0.0.1");
    properties.put("spring.data.redis.url", redis.uri());
    properties.put("meet.redis.key-prefix", isolated[1].split("=", 2)[1]);
    properties.put("meet.redis.channel", isolated[2].split("=", 2)[1]);
    properties.put("meet.livekit.url", emulator.url());
    properties.put("meet.livekit.api-key", emulator.apiKey());
    properties.put("meet.livekit.api-secret", emulator.apiSecret());
    properties.put("meet.storage.local-directory", recordings.toString());
    application = new SpringApplicationBuilder(TestApplication.class).properties(properties).run();
    int port = ((WebServerApplicationContext) application).getWebServer().getPort();
    webhookUrl = URI.create("http://127.0.0.1:" + port + "/livekit/webhook");
    emulator.addWebhookUrl(webhookUrl);
  }

  @AfterAll
  static void stopTheApplication() {
    if (application != null) {
      application.close();
    }
  }

  @Test
  void aRecordingStartsAndCompletesThroughTheReactiveWebhookEndpoint(LiveKitEmulator emulator) {
    assertThat(application.getBean("meetLiveKitWebhookRouter")).isInstanceOf(RouterFunction.class);
    RecordingManager manager = application.getBean(RecordingManager.class);
    String room = "room-" + UUID.randomUUID().toString().substring(0, 8);
    emulator.addParticipant(room, "alice", true);

    Recording recording = manager.start(room, StartOptions.defaults());

    assertThat(recording.status()).isEqualTo(RecordingStatus.ACTIVE);
    manager.stop(recording.recordingId());
    await().atMost(Duration.ofSeconds(10)).until(
        () -> manager.get(recording.recordingId()).orElseThrow().status() == RecordingStatus.COMPLETE);
  }

  @Test
  void anUnsignedWebhookIsAnswered401WithTheReasonWhileSecurityGuardsOtherPaths() throws Exception {
    HttpResponse<String> webhook = http.send(HttpRequest.newBuilder(webhookUrl)
        .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"room_finished\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> other = http.send(HttpRequest.newBuilder(webhookUrl.resolve("/livekit/other"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(webhook.statusCode()).isEqualTo(401);
    assertThat(webhook.body()).isNotBlank();
    assertThat(other.statusCode()).as("401 unauthenticated or 403 without a CSRF token").isIn(401, 403);
  }
}
