package dev.meet.autoconfigure;

import dev.meet.core.testing.WebhookEndpoint;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Contexts of the starter against one LiveKit emulator per test class, whose webhooks reach the manager a test routes
 * them to, with recordings in a temporary directory.
 */
abstract class EmulatedContextTest {

  @RegisterExtension
  static final LiveKitEmulatorExtension LIVEKIT = new LiveKitEmulatorExtension(LiveKitEmulator.builder()
      .activationDelay(Duration.ofMillis(300))
      .endingDelay(Duration.ofMillis(100))
      .webhookRetryBase(Duration.ofMillis(100)));

  /** Shared by every subclass (a static of this class) and left open for the JVM: its threads are daemons. */
  static final WebhookEndpoint RELAY = new WebhookEndpoint();

  @TempDir
  Path recordings;

  @BeforeAll
  static void webhooksReachTheRelay(LiveKitEmulator emulator) {
    emulator.addWebhookUrl(RELAY.url());
  }

  @AfterEach
  void dropLateWebhooks() {
    RELAY.routeTo(null);
  }

  /** The auto-configuration pointed at the emulator, recordings in the test's directory. */
  ApplicationContextRunner emulatedRunner() {
    LiveKitEmulator emulator = LIVEKIT.emulator();
    return new ApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues("meet.livekit.url=" + emulator.url(), "meet.livekit.api-key=" + emulator.apiKey(),
            "meet.livekit.api-secret=" + emulator.apiSecret(), "meet.storage.local-directory=" + recordings);
  }

  static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
