package dev.meet.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The standalone backend (meet-sample-app) as its own process, started the way an operator starts it: {@code java
 * -jar meet-sample-app.jar} with OpenVidu Meet's environment variables, on a free port ({@code SERVER_PORT=0}).
 *
 * <p>Ready means Spring Boot logged that the application started; the port is the one Tomcat logged. Its output goes
 * to a log file (it is drained so the process never blocks on a full pipe). {@link #close()} stops it the way an
 * orchestrator does: SIGTERM (graceful shutdown), then a kill after a grace period; a shutdown hook does the same
 * when the benchmark JVM exits without tearing down.
 */
final class BackendProcess implements AutoCloseable {

  private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
  private static final Pattern STARTED = Pattern.compile("Started \\w+ in [0-9.]+ seconds");

  private final Process process;
  private final Path log;
  private final Thread hook;
  private final int port;
  private final Deque<String> lastLines;

  private BackendProcess(Process process, Path log, Thread hook, int port, Deque<String> lastLines) {
    this.process = process;
    this.log = log;
    this.hook = hook;
    this.port = port;
    this.lastLines = lastLines;
  }

  /**
   * The backend jar: {@code -Dmeet.bench.backend.jar}, else {@code MEET_BENCH_BACKEND_JAR}, else
   * {@code meet-sample-app/target/meet-sample-app.jar} under the working directory or its parent (the repository
   * root when run from {@code benchmarks/}).
   */
  static Path jar() {
    String configured = System.getProperty("meet.bench.backend.jar", System.getenv("MEET_BENCH_BACKEND_JAR"));
    if (configured != null && !configured.isBlank()) {
      Path jar = Path.of(configured.trim());
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException("meet.bench.backend.jar / MEET_BENCH_BACKEND_JAR names no file: " + jar);
      }
      return jar;
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path dir = cwd; dir != null && dir.getNameCount() >= cwd.getNameCount() - 1; dir = dir.getParent()) {
      Path jar = dir.resolve("meet-sample-app/target/meet-sample-app.jar");
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new IllegalStateException("no meet-sample-app/target/meet-sample-app.jar under " + cwd + " or its parent: "
        + "build it (./mvnw -B -pl benchmarks -am package -DskipTests) or set MEET_BENCH_BACKEND_JAR");
  }

  /**
   * Starts the backend with these environment variables and command-line arguments, JVM options from
   * {@code MEET_BENCH_BACKEND_JVM_ARGS} (space-separated, e.g. a JFR recording), and waits until it is started.
   */
  static BackendProcess start(Map<String, String> environment, List<String> arguments, Path log) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    String jvmArgs = System.getenv("MEET_BENCH_BACKEND_JVM_ARGS");
    if (jvmArgs != null && !jvmArgs.isBlank()) {
      command.addAll(List.of(jvmArgs.trim().split("\\s+")));
    }
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    builder.environment().put("SERVER_PORT", "0");
    Process process;
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the backend: " + command, e);
    }
    Thread hook = new Thread(() -> stop(process), "bench-backend-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Deque<String> lastLines = new ArrayDeque<>();
    Thread drain = new Thread(() -> drain(process, log, ready, lastLines), "bench-backend-log");
    drain.setDaemon(true);
    drain.start();
    try {
      int port = ready.get(180, TimeUnit.SECONDS);
      return new BackendProcess(process, log, hook, port, lastLines);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      stop(process);
      removeHook(hook);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      String tail;
      synchronized (lastLines) {
        tail = String.join("\n", lastLines);
      }
      throw new IllegalStateException("the backend did not start (" + e + "); its log " + log + " ends with:\n" + tail,
          e);
    }
  }

  private static void drain(Process process, Path log, CompletableFuture<Integer> ready, Deque<String> lastLines) {
    Integer port = null;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.write('\n');
        synchronized (lastLines) {
          lastLines.addLast(line);
          if (lastLines.size() > 40) {
            lastLines.removeFirst();
          }
        }
        if (!ready.isDone()) {
          out.flush();
          Matcher found = PORT.matcher(line);
          if (found.find()) {
            port = Integer.valueOf(found.group(1));
          }
          if (port != null && STARTED.matcher(line).find()) {
            ready.complete(port);
          }
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException("the backend exited with status " + exitStatus(process)));
  }

  private static String exitStatus(Process process) {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "(still running)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /** {@code http://127.0.0.1:port}. */
  String root() {
    return "http://127.0.0.1:" + port;
  }

  Path log() {
    return log;
  }

  /** The process id, for a profiler to attach to. */
  long pid() {
    return process.pid();
  }

  /** The last lines it logged. */
  String tail() {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  @Override
  public void close() {
    stop(process);
    removeHook(hook);
  }

  private static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(@Nullable Thread hook) {
    try {
      if (hook != null) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs (or ran) anyway
    }
  }
}
