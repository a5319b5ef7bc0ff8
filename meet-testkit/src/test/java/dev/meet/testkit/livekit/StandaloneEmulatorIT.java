package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;

import io.livekit.server.RoomServiceClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import livekit.LivekitModels.Room;
import org.junit.jupiter.api.Test;
import retrofit2.Response;

/** The packaged {@code meet-livekit-emulator.jar} runs on its own and serves the SDK (run by failsafe after package). */
class StandaloneEmulatorIT {

  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  @Test
  void packagedJarStartsAndServesTheSdk() throws Exception {
    Path jar = Path.of(System.getProperty("emulator.jar", "target/meet-livekit-emulator.jar"));
    assertThat(jar).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-jar", jar.toString(), "--port", "0", "--api-key", "k1",
        "--api-secret", "s1", "--output-dir", Files.createTempDirectory("emulator-it").toString())
        .redirectErrorStream(true)
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String url = CompletableFuture.supplyAsync(() -> {
        try {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.find()) {
              return matcher.group(1);
            }
          }
          throw new IllegalStateException("the emulator exited without listening");
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }).get(60, TimeUnit.SECONDS);

      RoomServiceClient rooms = RoomServiceClient.createClient(url, "k1", "s1");
      rooms.createRoom("from-the-jar").execute();
      Response<List<Room>> listed = rooms.listRooms().execute();

      assertThat(listed.isSuccessful()).isTrue();
      assertThat(listed.body()).extracting(Room::getName).containsExactly("from-the-jar");
      assertThat(RoomServiceClient.createClient(url, "k1", "wrong").listRooms().execute().code()).isEqualTo(401);
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
