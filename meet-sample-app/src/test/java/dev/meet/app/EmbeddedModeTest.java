package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meet.app.config.EmbeddedLiveKit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The README's setup: nothing configured but the data directory (and free ports instead of 6080/7880). The emulator
 * runs in-process, the key is generated and kept, data lives in the directory and survives a restart, and the
 * README's curl walk-through works exactly as written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedModeTest {

  @TempDir
  static Path workDir;
  static Backend backend;
  static String key;
  static String keptRoom;

  static Map<String, String> settings() {
    return Map.of("MEET_DATA_DIR", workDir.resolve("meet-data").toString(), "MEET_EMULATOR_PORT", "0");
  }

  @BeforeAll
  static void start() throws IOException {
    backend = Backend.start(settings());
    key = Files.readString(workDir.resolve("meet-data/api-key")).strip();
    backend.useKey(key);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @Order(1)
  void theLogSaysWhichPartsAreEmbeddedAndPrintsTheKeyOnceOnTheConsoleOnly(CapturedOutput output) {
    assertThat(output.getAll()).contains("embedded parts: LiveKit emulator at http://127.0.0.1:")
        .contains("in-memory lock").contains("local storage in " + workDir.resolve("meet-data").toAbsolutePath())
        .contains("This setup is for trying the backend out, not for production.");
    assertThat(output.getAll().split(java.util.regex.Pattern.quote(key), -1)).hasSize(2);
  }

  @Test
  @Order(1)
  void aKeyIsGeneratedKeptOwnerOnlyAndRequired() throws IOException {
    assertThat(key).matches("meet_[A-Za-z0-9]{32}");
    assertThat(Files.getPosixFilePermissions(workDir.resolve("meet-data/api-key"))).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(backend.get("/rooms", "X-API-KEY", "").status()).isEqualTo(401);
    assertThat(backend.get("/rooms").status()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void theReadmeWalkthroughWorksAsWritten() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("<!-- walkthrough:start -->");
    int end = readme.indexOf("<!-- walkthrough:end -->");
    assertThat(start).isPositive();
    String block = readme.substring(start, end);
    String script = block.substring(block.indexOf("```sh") + 5, block.lastIndexOf("```"));
    String emulatorPort = String.valueOf(java.net.URI.create(backend.bean(EmbeddedLiveKit.class).url()).getPort());
    String port = backend.context().getEnvironment().getProperty("local.server.port");
    // The only change: the test's free ports instead of 6080 and 7880.
    script = script.replace("localhost:6080", "localhost:" + port).replace("localhost:7880", "localhost:"
        + emulatorPort);
    Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(workDir.toFile())
        .redirectErrorStream(true).start();
    boolean done = bash.waitFor(120, TimeUnit.SECONDS);
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      bash.destroyForcibly();
    }
    assertThat(done).as(output).isTrue();
    assertThat(bash.exitValue()).as(output).isZero();
    assertThat(output).contains("HTTP/1.1 206").contains("Content-Range: bytes 0-1023/")
        .contains("\"status\":\"ending\"").contains("deleted successfully").contains("\"successCode\":\"room_");
    assertThat(Files.size(workDir.resolve("first-kib.bin"))).isEqualTo(1024);
    byte[] mp4 = Files.readAllBytes(workDir.resolve("recording.mp4"));
    assertThat(new String(mp4, 4, 4, StandardCharsets.ISO_8859_1)).isEqualTo("ftyp");
  }

  @Test
  @Order(3)
  void roomsAndRecordingsLiveInTheDataDirectory() {
    keptRoom = backend.post("/rooms", "{\"roomName\":\"kept\"}").json().get("roomId").asString();
    assertThat(workDir.resolve("meet-data/openvidu-meet/rooms/" + keptRoom + "/" + keptRoom + ".json")).isRegularFile();
  }

  @Test
  @Order(4)
  void dataAndTheKeySurviveARestart() {
    backend.close();
    backend = Backend.start(settings()).useKey(key);
    Backend.Response room = backend.get("/rooms/" + keptRoom);
    assertThat(room.status()).as(room.toString()).isEqualTo(200);
    assertThat(room.json().get("roomName").asString()).isEqualTo("kept");
  }
}
