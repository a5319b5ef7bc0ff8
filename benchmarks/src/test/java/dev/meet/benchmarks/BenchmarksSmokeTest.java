package dev.meet.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark for one tiny iteration in this JVM, with the smallest parameters, so none can rot: a benchmark
 * that throws (a broken invariant, a server that does not start) fails the build. It measures nothing; the numbers
 * come from {@code benchmarks/run.sh}.
 */
class BenchmarksSmokeTest {

  @Test
  void lockCycleBenchmarksRunAndARejectedAttemptCostsOneCommand() throws RunnerException {
    assertEveryMethodRan(LockCycleBenchmark.class, run(LockCycleBenchmark.class, b -> { }));
  }

  @Test
  void contentionRoundsHaveOneWinnerInOneRoomAndAllWinInDistinctRooms() throws RunnerException {
    Collection<RunResult> results = run(LockContentionBenchmark.class, b -> b.param("threads", "4"));
    assertEveryMethodRan(LockContentionBenchmark.class, results);
    assertThat(results).hasSize(2);
  }

  @Test
  void webhookBenchmarksRunOnEveryBackend() throws RunnerException {
    Collection<RunResult> results = run(WebhookBenchmark.class,
        b -> b.param("backend", "memory-shm", "redis-s3").param("batch", "2"));
    assertEveryMethodRan(WebhookBenchmark.class, results);
    assertThat(results).hasSize(4);
  }

  @Test
  void lockCollectorRunsOverHeldAndOrphanedLocks() throws RunnerException {
    Collection<RunResult> results = run(LockCollectorBenchmark.class, b -> b.param("locks", "300"));
    assertEveryMethodRan(LockCollectorBenchmark.class, results);
    assertThat(results).hasSize(2);
  }

  @Test
  void reconcilerRunsOverStoredRecordings() throws RunnerException {
    assertEveryMethodRan(ReconcilerBenchmark.class,
        run(ReconcilerBenchmark.class, b -> b.param("recordings", "100")));
  }

  @Test
  void startToActiveRunsBesideTheBareLiveKitBaseline() throws RunnerException {
    assertEveryMethodRan(StartToActiveBenchmark.class,
        run(StartToActiveBenchmark.class, b -> b.param("backend", "memory")));
  }

  @Test
  void backendHttpBenchmarksRunAgainstTheBackendProcessWithTwoClients() throws RunnerException {
    Collection<RunResult> results = run(BackendHttpBenchmark.class, b -> b.threads(2));
    assertEveryMethodRan(BackendHttpBenchmark.class, results);
    assertThat(results).allSatisfy(r -> assertThat(r.getParams().getThreads()).isEqualTo(2));
  }

  private static Collection<RunResult> run(Class<?> benchmark,
      java.util.function.Consumer<ChainedOptionsBuilder> params) throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(benchmark.getName() + "\\.")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(100))
        .timeout(TimeValue.seconds(60))
        .timeUnit(TimeUnit.MICROSECONDS)
        .shouldFailOnError(true);
    params.accept(options);
    return new Runner(options.build()).run();
  }

  private static void assertEveryMethodRan(Class<?> benchmark, Collection<RunResult> results) {
    Set<String> expected = Arrays.stream(benchmark.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Benchmark.class))
        .map(Method::getName)
        .collect(Collectors.toSet());
    Set<String> ran = results.stream()
        .map(r -> r.getParams().getBenchmark())
        .map(name -> name.substring(name.lastIndexOf('.') + 1))
        .collect(Collectors.toSet());
    assertThat(ran).isEqualTo(expected);
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getSampleCount()).isPositive());
  }
}
