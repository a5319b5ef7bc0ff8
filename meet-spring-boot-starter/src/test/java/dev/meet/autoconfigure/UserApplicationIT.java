package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's build with nothing but Boot's parent, the starter and Spring MVC (src/test/resources/user-app):
 * resolved by Maven from the starter's published POMs (in a local repository of this build's own, chained to the
 * usual one for everything else), it gets one OkHttp, compiles against the starter, and records a room of the LiveKit
 * emulator in a JVM of its own.
 *
 * <p>An integration test (failsafe): it needs this module's jar.
 */
class UserApplicationIT {

  @RegisterExtension
  static final LiveKitEmulatorExtension LIVEKIT = new LiveKitEmulatorExtension();

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path ROOT = MODULE.getParent();
  private static final String BUILD_DIR = System.getProperty("meet.build.dir", "target");
  private static final String VERSION = required("meet.version");

  private static Path app;
  private static List<String> classpath;

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(property + " is not set: run this test through Maven (failsafe)");
    }
    return value;
  }

  @BeforeAll
  static void resolveTheApplicationsClasspathWithMaven() throws Exception {
    Path work = MODULE.resolve(BUILD_DIR).resolve("user-app");
    Path repository = work.resolve("repository");
    deleteRecursively(repository.resolve("dev/meet"));
    publish(repository, "meet-parent", ROOT.resolve("pom.xml"), null);
    publish(repository, "meet-core", ROOT.resolve("meet-core/pom.xml"),
        ROOT.resolve("meet-core").resolve(BUILD_DIR).resolve("meet-core-" + VERSION + ".jar"));
    publish(repository, "meet-spring-boot-starter", MODULE.resolve("pom.xml"),
        MODULE.resolve(BUILD_DIR).resolve("meet-spring-boot-starter-" + VERSION + ".jar"));

    app = work.resolve("app");
    Files.createDirectories(app);
    String pom = Files.readString(Path.of(UserApplicationIT.class.getResource("/user-app/pom.xml").toURI()))
        .replace("@spring-boot.version@", required("spring-boot.version"))
        .replace("@meet.version@", VERSION);
    Files.writeString(app.resolve("pom.xml"), pom);
    Path classpathFile = work.resolve("classpath.txt");
    Files.deleteIfExists(classpathFile);

    List<String> command = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-q",
        "-Dmaven.repo.local=" + repository, "-Dmaven.repo.local.tail=" + required("meet.local.repository"),
        "dependency:build-classpath", "-Dmdep.outputFile=" + classpathFile));
    Process maven = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true)
        .redirectOutput(work.resolve("maven.log").toFile()).start();
    assertThat(maven.waitFor(5, TimeUnit.MINUTES)).as("Maven finished").isTrue();
    assertThat(maven.exitValue()).as(Files.readString(work.resolve("maven.log"))).isZero();
    classpath = Arrays.asList(Files.readString(classpathFile).strip().split(File.pathSeparator));
  }

  /** Lays an artifact out as Maven's local repository does, as an installed one would be. */
  private static void publish(Path repository, String artifactId, Path pom, Path jar) throws IOException {
    Path directory = repository.resolve("dev/meet").resolve(artifactId).resolve(VERSION);
    Files.createDirectories(directory);
    Files.copy(pom, directory.resolve(artifactId + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      Files.copy(jar, directory.resolve(artifactId + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private static List<String> jars(String artifactPathPart) {
    return classpath.stream().filter(entry -> entry.replace('\\', '/').contains(artifactPathPart)).toList();
  }

  @Test
  void theApplicationGetsOkHttp5AloneWithoutImportingABom() {
    assertThat(jars("/com/squareup/okhttp3/okhttp-jvm/")).singleElement().asString().contains("/5.");
    assertThat(jars("/com/squareup/okhttp3/okhttp/")).allSatisfy(jar -> assertThat(jar).doesNotContain("/4."));
    assertThat(jars("/io/livekit/livekit-server/")).hasSize(1);
  }

  @Test
  void theApplicationCompilesAgainstTheStarterAndRecordsARoom(LiveKitEmulator emulator, @TempDir Path scratch)
      throws Exception {
    Path classes = scratch.resolve("classes");
    Files.createDirectories(classes);
    Path source = Path.of(UserApplicationIT.class.getResource("/user-app/UserApp.java").toURI());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled = javac.run(null, null, null, "--release", "17", "-d", classes.toString(),
        "-cp", String.join(File.pathSeparator, classpath), source.toString());
    assertThat(compiled).as("javac exit code").isZero();

    String room = "user-app-room";
    emulator.addParticipant(room, "alice", true);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(javaBin, "-cp", classes + File.pathSeparator
        + String.join(File.pathSeparator, classpath), "com.example.UserApp", room,
        "--server.port=0", "--server.address=127.0.0.1", "--meet.livekit.url=" + emulator.url(),
        "--meet.livekit.api-key=" + emulator.apiKey(), "--meet.livekit.api-secret=" + emulator.apiSecret(),
        "--meet.storage.local-directory=" + scratch.resolve("recordings"));
    Process application = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(
            new InputStreamReader(application.getInputStream(), StandardCharsets.UTF_8));
        OutputStream stdin = application.getOutputStream()) {
      String port = awaitLine(lines, "port=", output);
      emulator.addWebhookUrl(URI.create("http://127.0.0.1:" + port + "/livekit/webhook"));
      stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      assertThat(awaitLine(lines, "status=", output)).as(String.join("\n", output)).isEqualTo("ACTIVE");
      assertThat(application.waitFor(60, TimeUnit.SECONDS)).as("the application exited").isTrue();
      assertThat(application.exitValue()).as(String.join("\n", output)).isZero();
    } finally {
      application.destroyForcibly();
    }
  }

  /** The rest of the first output line starting with {@code prefix}; the end of the output fails with all of it. */
  private static String awaitLine(BufferedReader lines, String prefix, List<String> output) {
    try {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.add(line);
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length()).strip();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("the application ended without printing " + prefix + ":\n" + String.join("\n", output));
  }
}
