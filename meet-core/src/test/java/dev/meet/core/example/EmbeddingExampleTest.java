package dev.meet.core.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.meet.core.RecordingStatus;
import dev.meet.core.engine.RecordingManager;
import dev.meet.testkit.livekit.LiveKitEmulator;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example is this compiled code, and it records a room against the emulator. */
class EmbeddingExampleTest {

  private static final Path SOURCE = Path.of("src/test/java/dev/meet/core/example/EmbeddingExample.java");

  @Test
  void readmeAndEmbeddingDocShowTheCompiledExample() throws Exception {
    Matcher example = Pattern.compile("// readme:start\\n(.*?)\\s*// readme:end", Pattern.DOTALL)
        .matcher(Files.readString(SOURCE));
    assertThat(example.find()).isTrue();
    String code = example.group(1).stripIndent().strip();

    assertThat(normalized(Files.readString(Path.of("../README.md")))).contains(normalized(code));
    assertThat(normalized(Files.readString(Path.of("../docs/embedding.md")))).contains(normalized(code));
  }

  @Test
  void exampleRecordsARoomWithTheLocalDefaults(@TempDir Path recordings) throws Exception {
    try (LiveKitEmulator livekit = LiveKitEmulator.builder().activationDelay(Duration.ofMillis(200))
        .endingDelay(Duration.ofMillis(100)).outputDirectory(recordings).build().start();
        RecordingManager manager = EmbeddingExample.createManager(livekit.url(), recordings)) {
      HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      endpoint.createContext("/livekit/webhook", exchange -> {
        try (exchange; InputStream in = exchange.getRequestBody()) {
          int status = EmbeddingExample.onLiveKitWebhook(manager, in.readAllBytes(),
              exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.sendResponseHeaders(status, -1);
        }
      });
      endpoint.start();
      try {
        livekit.addWebhookUrl(URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/livekit/webhook"));
        livekit.addParticipant("room-1", "alice", true);

        String recordingId = EmbeddingExample.recordAndStop(manager);

        await().atMost(Duration.ofSeconds(10)).until(() ->
            manager.get(recordingId).orElseThrow().status() == RecordingStatus.COMPLETE);
        try (var media = manager.openMedia(recordingId, null)) {
          assertThat(media.totalSize()).isPositive();
        }
      } finally {
        endpoint.stop(0);
      }
    }
  }

  private static String normalized(String text) {
    return text.replaceAll("\\s+", " ");
  }
}
