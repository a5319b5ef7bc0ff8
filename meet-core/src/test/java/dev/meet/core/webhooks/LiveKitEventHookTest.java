package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.livekit.LiveKitEvent;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.webhooks.local.LocalRoomActivityStore;
import dev.meet.core.webhooks.local.LocalWebhookOutbox;
import dev.meet.core.webhooks.local.LocalWebhookTargetStore;
import dev.meet.testkit.livekit.LiveKitEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager hands every LiveKit webhook it verified to its {@link RecordingManager.LiveKitEventListener}s: meeting
 * and participant events reach a loopback receiver through {@link LiveKitRoomWebhooks} without a second
 * verification, and a failing listener turns LiveKit's answer into a redelivery.
 */
class LiveKitEventHookTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path recordings;

  private LiveKitEmulator livekit;
  private HttpServer endpoint;
  private volatile RecordingManager manager;
  private final List<WebhookOutcome> outcomes = new CopyOnWriteArrayList<>();
  private final List<LiveKitEvent> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    livekit = LiveKitEmulator.builder().webhookRetryBase(Duration.ofMillis(50)).outputDirectory(recordings).build()
        .start();
    endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    endpoint.createContext("/livekit/webhook", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        WebhookOutcome outcome = manager.handleWebhook(in.readAllBytes(),
            exchange.getRequestHeaders().getFirst("Authorization"));
        outcomes.add(outcome);
        exchange.sendResponseHeaders(outcome.httpStatus(), -1);
      }
    });
    endpoint.start();
  }

  @AfterEach
  void stop() {
    livekit.close();
    endpoint.stop(0);
    if (manager != null) {
      manager.close();
    }
  }

  private RecordingManager.Builder builder() {
    return RecordingManager.builder().liveKit(new LiveKitSettings(livekit.url(), "devkey", "secret"))
        .localStorage(recordings);
  }

  private void routeLiveKitWebhooks() {
    livekit.addWebhookUrl(URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/livekit/webhook"));
  }

  @Test
  void aMeetingOnLiveKitSendsItsMeetingAndParticipantEventsInOrderAtTheReceiver(@TempDir Path outbox) {
    try (TestReceiver receiver = TestReceiver.start();
        WebhookDispatcher dispatcher = new WebhookDispatcher(WebhookDeliveryTest.fastSettings(),
            LocalWebhookOutbox.inDirectory(outbox), new WebhookTargets(LocalWebhookTargetStore.inMemory(),
            receiver.url(), Clock.systemUTC()), WebhookObserver.NONE, Clock.systemUTC())) {
      dispatcher.start();
      LiveKitRoomWebhooks rooms = new LiveKitRoomWebhooks(RoomEventDeriver.withRoomIdOnly(),
          new LocalRoomActivityStore(), dispatcher);
      manager = builder().liveKitEventListener(rooms::onLiveKitWebhook).build();
      routeLiveKitWebhooks();

      livekit.addParticipant("room-1", "alice", true);
      livekit.removeParticipant("room-1", "alice");
      livekit.closeRoom("room-1");

      await().atMost(WAIT).until(() -> receiver.requests().stream().anyMatch(r -> r.event().equals("meetingEnded")));
      assertThat(receiver.requests()).extracting(TestReceiver.Request::event)
          .containsExactly("meetingStarted", "participantJoined", "participantLeft", "meetingEnded");
      WebhookSigner signer = new WebhookSigner(WebhookDeliveryTest.API_KEY);
      assertThat(receiver.requests()).allSatisfy(r -> {
        assertThat(signer.verify(Long.parseLong(r.header("X-Timestamp")), r.body(), r.header("X-Signature")))
            .isTrue();
        assertThat(WebhookJson.read(r.body()).path("data").path("roomId").asString()).isEqualTo("room-1");
      });
      assertThat(WebhookJson.read(receiver.requests().get(1).body()).path("data").path("participantIdentity")
          .asString()).isEqualTo("alice");
    }
  }

  @Test
  void aListenerThatFailsOnceHasLiveKitAnswered503AndSeesTheRedelivery() {
    AtomicInteger failuresLeft = new AtomicInteger(1);
    manager = builder().liveKitEventListener(event -> {
      seen.add(event);
      if (event.event().equals("room_started") && failuresLeft.getAndDecrement() > 0) {
        throw new WebhookException("room activity store unreachable");
      }
    }).build();
    routeLiveKitWebhooks();

    livekit.addParticipant("room-1", "alice", true);

    await().atMost(WAIT).until(() -> seen.stream().filter(e -> e.event().equals("room_started")).count() == 2);
    List<LiveKitEvent> started = seen.stream().filter(e -> e.event().equals("room_started"))
        .toList();
    assertThat(started.get(1).id()).isEqualTo(started.get(0).id());
    assertThat(outcomes).anySatisfy(o -> {
      assertThat(o.httpStatus()).isEqualTo(503);
      assertThat(o.message()).contains("room activity store unreachable");
    });
    await().atMost(WAIT).until(() -> outcomes.stream().filter(o -> o.httpStatus() / 100 == 2).count() >= 2);
  }

  @Test
  void aListenerRefusingAWebhookWithIllegalArgumentIsLoggedAndLiveKitIsNotAskedToRetry() {
    manager = builder().liveKitEventListener(event -> {
      seen.add(event);
      throw new IllegalArgumentException("room must be set");
    }).build();
    routeLiveKitWebhooks();

    livekit.addParticipant("room-1", "alice", true);

    await().atMost(WAIT).until(() -> seen.stream().anyMatch(e -> e.event().equals("participant_joined")));
    await().atMost(WAIT).until(() -> outcomes.size() >= 2);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.httpStatus() / 100).isEqualTo(2));
    assertThat(seen).extracting(LiveKitEvent::id).doesNotHaveDuplicates();
  }

  @Test
  void aForgedWebhookNeverReachesTheListeners() {
    manager = builder().liveKitEventListener(seen::add).build();

    WebhookOutcome outcome = manager.handleWebhook(
        "{\"event\":\"room_started\",\"id\":\"EV_1\",\"room\":{\"name\":\"room-1\",\"sid\":\"RM_1\"}}"
            .getBytes(StandardCharsets.UTF_8), "not-a-jwt");

    assertThat(outcome.httpStatus()).isEqualTo(401);
    assertThat(seen).isEmpty();
  }
}
