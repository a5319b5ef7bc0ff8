package dev.meet.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The error paths of benchmark 6's harness: its arguments and starting the backend process. */
class BackendHttpHarnessTest {

  @Test
  void concurrenciesAreOneAndTenWithoutDashCAndTheListTakenOutOfTheArgumentsWithIt() {
    List<String> none = new ArrayList<>(List.of("-i", "3"));
    assertThat(BackendHttpRun.concurrencies(none)).containsExactly(1, 10);
    assertThat(none).containsExactly("-i", "3");

    List<String> given = new ArrayList<>(List.of("-c", "2, 4", "-i", "3"));
    assertThat(BackendHttpRun.concurrencies(given)).containsExactly(2, 4);
    assertThat(given).containsExactly("-i", "3");
  }

  @Test
  void aMissingMalformedOrNonPositiveConcurrencyIsRefusedNamingDashC() {
    assertThatThrownBy(() -> BackendHttpRun.concurrencies(new ArrayList<>(List.of("-i", "3", "-c"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-c needs a value");
    assertThatThrownBy(() -> BackendHttpRun.concurrencies(new ArrayList<>(List.of("-c", "1,ten"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-c must be").hasMessageContaining("1,ten");
    assertThatThrownBy(() -> BackendHttpRun.concurrencies(new ArrayList<>(List.of("-c", "0,10"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
  }

  @Test
  void aConfiguredBackendJarThatDoesNotExistIsRefusedNamingTheSetting(@TempDir Path dir) {
    String previous = System.getProperty("meet.bench.backend.jar");
    System.setProperty("meet.bench.backend.jar", dir.resolve("missing.jar").toString());
    try {
      assertThatThrownBy(BackendProcess::jar).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("meet.bench.backend.jar").hasMessageContaining("missing.jar");
    } finally {
      restore(previous);
    }
  }

  @Test
  void aBackendThatExitsBeforeItStartedFailsWithTheEndOfItsLog(@TempDir Path dir) throws IOException {
    Path notAJar = Files.writeString(dir.resolve("broken.jar"), "not a jar");
    String previous = System.getProperty("meet.bench.backend.jar");
    System.setProperty("meet.bench.backend.jar", notAJar.toString());
    try {
      assertThatThrownBy(() -> BackendProcess.start(Map.of(), List.of(), dir.resolve("backend.log")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("the backend did not start")
          .hasMessageContaining("exited with status 1")
          .hasMessageContaining("broken.jar");
      assertThat(Files.readString(dir.resolve("backend.log"))).contains("broken.jar");
    } finally {
      restore(previous);
    }
  }

  private static void restore(String previous) {
    if (previous == null) {
      System.clearProperty("meet.bench.backend.jar");
    } else {
      System.setProperty("meet.bench.backend.jar", previous);
    }
  }
}
