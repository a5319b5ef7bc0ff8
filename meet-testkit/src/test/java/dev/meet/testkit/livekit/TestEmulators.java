package dev.meet.testkit.livekit;

import java.nio.file.Path;
import java.time.Duration;

/** Emulators for the emulator's own tests: fast timings, webhooks to a {@link WebhookSink}, files in a temp dir. */
final class TestEmulators {

  private TestEmulators() {}

  /** A builder with test timings (activation 100 ms, ending 50 ms, webhook retries from 20 ms). */
  static LiveKitEmulator.Builder fast(WebhookSink sink, Path output) {
    return LiveKitEmulator.builder()
        .webhookUrl(sink.url())
        .activationDelay(Duration.ofMillis(100))
        .endingDelay(Duration.ofMillis(50))
        .webhookRetryBase(Duration.ofMillis(20))
        .outputDirectory(output);
  }
}
