package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.meet.core.Recording;
import dev.meet.core.StartOptions;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.webhooks.LiveKitRoomWebhooks;
import dev.meet.core.webhooks.WebhookDispatcher;
import dev.meet.core.webhooks.WebhookOutbox;
import dev.meet.core.webhooks.WebhookRecordingListener;
import dev.meet.core.webhooks.WebhookSettings;
import dev.meet.core.webhooks.WebhookSigner;
import dev.meet.core.webhooks.WebhookTargetStore;
import dev.meet.core.webhooks.local.LocalWebhookOutbox;
import dev.meet.core.webhooks.local.LocalWebhookTargetStore;
import dev.meet.core.webhooks.redis.RedisWebhookOutbox;
import dev.meet.core.webhooks.redis.RedisWebhookTargetStore;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@link MeetWebhooksAutoConfiguration}: when it is on, what it builds, and signed events at a real receiver. */
@ExtendWith(RedisServerExtension.class)
class MeetWebhooksAutoConfigurationTest extends EmulatedContextTest {

  @TempDir
  Path data;

  private HttpServer receiver;
  private final List<Map.Entry<Map<String, List<String>>, byte[]>> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext("/hook", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        received.add(Map.entry(Map.copyOf(exchange.getRequestHeaders()), in.readAllBytes()));
        exchange.sendResponseHeaders(204, -1);
      }
    });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  private String receiverUrl() {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  private ApplicationContextRunner runner() {
    return emulatedRunner().withPropertyValues("meet.webhooks.data-directory=" + data,
        "meet.webhooks.retry.initial-delay=50ms", "meet.webhooks.retry.max-delay=200ms");
  }

  @Test
  void withoutUrlOrEnabledNoWebhookBeanExists() {
    runner().run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(WebhookDispatcher.class)
          .doesNotHaveBean(WebhookRecordingListener.class).doesNotHaveBean(RecordingManager.LiveKitEventListener.class);
    });
  }

  @Test
  void aUrlTurnsThemOnWithTheDataDirectoryOutboxAndTheLiveKitKeyAsSigningKey(LiveKitEmulator emulator) {
    runner().withPropertyValues("meet.webhooks.url=" + receiverUrl()).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(WebhookDispatcher.class)
          .hasSingleBean(WebhookRecordingListener.class).hasSingleBean(LiveKitRoomWebhooks.class)
          .hasSingleBean(MeetWebhooksLifecycle.class);
      assertThat(context.getBean(WebhookOutbox.class)).isInstanceOf(LocalWebhookOutbox.class);
      assertThat(context.getBean(WebhookTargetStore.class)).isInstanceOf(LocalWebhookTargetStore.class);
      assertThat(context.getBean(WebhookSettings.class).apiKey()).isEqualTo(emulator.apiKey());
      assertThat(context.getBean(MeetWebhooksLifecycle.class).isRunning()).isTrue();
      assertThat(data.resolve("webhooks")).isDirectory();
    });
  }

  @Test
  void enabledFalseTurnsThemOffEvenWithAUrl() {
    runner().withPropertyValues("meet.webhooks.url=" + receiverUrl(), "meet.webhooks.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WebhookDispatcher.class));
  }

  @Test
  void enabledTrueWithoutUrlDeliversToRegisteredWebhooksOnlyWithAnExplicitSigningKey() {
    runner().withPropertyValues("meet.webhooks.enabled=true", "meet.webhooks.signing-key=other-key",
        "meet.webhooks.attempt-timeout=2s", "meet.webhooks.max-in-flight=3", "meet.webhooks.retry.budget=1h")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(WebhookDispatcher.class);
          WebhookSettings settings = context.getBean(WebhookSettings.class);
          assertThat(settings.apiKey()).isEqualTo("other-key");
          assertThat(settings.attemptTimeout()).isEqualTo(Duration.ofSeconds(2));
          assertThat(settings.maxInFlight()).isEqualTo(3);
          assertThat(settings.retry().budget()).isEqualTo(Duration.ofHours(1));
          assertThat(context.getBean(dev.meet.core.webhooks.WebhookTargets.class).fixed()).isEmpty();
        });
  }

  @Test
  void withARedissonClientTheOutboxAndTargetsAreInRedis(RedisServer redis) {
    runner().withBean(RedissonClientCustomizer.class, () -> TestRedis.CUSTOMIZER)
        .withPropertyValues(TestRedis.isolated(redis.uri()))
        .withPropertyValues("meet.webhooks.url=" + receiverUrl(),
            "meet.webhooks.redis-prefix=meet-test:" + java.util.UUID.randomUUID())
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(WebhookOutbox.class)).isInstanceOf(RedisWebhookOutbox.class);
          assertThat(context.getBean(WebhookTargetStore.class)).isInstanceOf(RedisWebhookTargetStore.class);
          assertThat(context.getBean(WebhookOutbox.class).stats().pending()).isZero();
        });
  }

  @Test
  void aBadUrlFailsTheStartNamingTheProperty() {
    runner().withPropertyValues("meet.webhooks.url=ftp://user:pw@example.com/x").run(context -> {
      assertThat(failure(context).getMessage()).contains("meet.webhooks.url");
    });
  }

  @Test
  void aBadRetrySettingFailsTheStartNamingTheProperty() {
    runner().withPropertyValues("meet.webhooks.url=" + receiverUrl(), "meet.webhooks.retry.initial-delay=1m",
        "meet.webhooks.retry.max-delay=1s").run(context -> {
          assertThat(failure(context).getMessage()).contains("meet.webhooks").contains("maxDelay");
        });
  }

  @Test
  void aBadRedisPrefixFailsTheStartNamingTheProperty(RedisServer redis) {
    runner().withBean(RedissonClientCustomizer.class, () -> TestRedis.CUSTOMIZER)
        .withPropertyValues(TestRedis.isolated(redis.uri()))
        .withPropertyValues("meet.webhooks.url=" + receiverUrl(), "meet.webhooks.redis-prefix={x}")
        .run(context -> assertThat(failure(context).getMessage()).contains("meet.webhooks.redis-prefix"));
  }

  @Test
  void aRecordingAndItsMeetingReachTheReceiverSignedAndCountedInTheMeters(LiveKitEmulator emulator) {
    runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
        .withPropertyValues("meet.webhooks.url=" + receiverUrl()).run(context -> {
          RecordingManager manager = context.getBean(RecordingManager.class);
          RELAY.routeTo(manager);
          String room = room();
          emulator.addParticipant(room, "alice", true);

          Recording recording = manager.start(room, StartOptions.defaults());
          manager.stop(recording.recordingId());

          await().atMost(Duration.ofSeconds(15)).until(() -> events().contains("recordingEnded"));
          List<String> events = events();
          assertThat(events).containsSubsequence("meetingStarted", "participantJoined")
              .containsSubsequence("recordingStarted", "recordingUpdated", "recordingEnded");
          WebhookSigner signer = new WebhookSigner(emulator.apiKey());
          assertThat(received).allSatisfy(r -> assertThat(signer.verify(
              Long.parseLong(r.getKey().get("X-timestamp").get(0)), new String(r.getValue(), StandardCharsets.UTF_8),
              r.getKey().get("X-signature").get(0))).isTrue());
          MeterRegistry meters = context.getBean(MeterRegistry.class);
          assertThat(meters.find("meet.webhooks.events").tags("event", "recordingEnded").counter().count())
              .isEqualTo(1);
          await().atMost(Duration.ofSeconds(5)).until(() -> meters.find("meet.webhooks.delivered")
              .tags("event", "recordingEnded").timer() != null);
          await().atMost(Duration.ofSeconds(5))
              .until(() -> meters.find("meet.webhooks.outbox.pending").gauge().value() == 0);
          assertThat(meters.find("meet.webhooks.outbox.oldest.age").gauge().value()).isZero();
          assertThat(Files.exists(data.resolve("webhooks"))).isTrue();
        });
  }

  private List<String> events() {
    List<String> events = new ArrayList<>();
    for (var request : received) {
      JsonNode body = JsonMapper.shared().readTree(new String(request.getValue(), StandardCharsets.UTF_8));
      events.add(body.get("event").asString());
    }
    return events;
  }

  private static Throwable failure(ApplicationContextAssertProvider<?> context) {
    assertThat(context).hasFailed();
    for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
      if (cause instanceof MeetConfigurationException) {
        return cause;
      }
    }
    throw new AssertionError("no MeetConfigurationException in " + context.getStartupFailure());
  }
}
