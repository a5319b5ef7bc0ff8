package dev.meet.core.example;

import dev.meet.core.Recording;
import dev.meet.core.StartOptions;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.livekit.LiveKitSettings;
import java.nio.file.Path;

/** The embedding example of README.md and docs/embedding.md, compiled and run by {@link EmbeddingExampleTest}. */
final class EmbeddingExample {

  private EmbeddingExample() {}

  // readme:start
  static RecordingManager createManager(String liveKitUrl, Path recordings) {
    return RecordingManager.builder()
        .liveKit(new LiveKitSettings(liveKitUrl, "devkey", "secret"))
        .localStorage(recordings) // the egress writes its files here too
        .build();
  }

  static String recordAndStop(RecordingManager manager) {
    Recording recording = manager.start("room-1", StartOptions.defaults()); // returns once it is active
    manager.stop(recording.recordingId()); // ends when LiveKit's egress_ended webhook arrives
    return recording.recordingId();
  }

  // In the HTTP endpoint LiveKit sends its webhooks to: the raw body bytes and the Authorization header.
  static int onLiveKitWebhook(RecordingManager manager, byte[] rawBody, String authorization) {
    WebhookOutcome outcome = manager.handleWebhook(rawBody, authorization);
    return outcome.httpStatus(); // 200, 401, or 503 so that LiveKit retries
  }
  // readme:end
}
