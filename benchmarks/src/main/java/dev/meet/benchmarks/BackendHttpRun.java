package dev.meet.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link BackendHttpBenchmark} at several concurrencies against ONE backend process, like a long-running server
 * under successive loads, and writes one JMH result file:
 *
 * <pre>java -cp benchmarks.jar dev.meet.benchmarks.BackendHttpRun -c 1,10 [JMH options] -rff backend-http.json</pre>
 *
 * <p>{@code -c} lists the concurrencies (JMH threads, default {@code 1,10}); every other option is JMH's. The driver
 * is not forked ({@code -f 0} is forced): the backend it measures is its own process whatever the driver does, and
 * forking would start a backend per benchmark (tens of seconds each on two busy cores). {@code java -jar
 * benchmarks.jar BackendHttpBenchmark -t 10} works too, with a backend per fork.
 */
public final class BackendHttpRun {

  private BackendHttpRun() {}

  public static void main(String[] args) {
    int status = 1;
    try {
      run(args);
      status = 0;
    } catch (RunnerException | CommandLineOptionException | IllegalArgumentException e) {
      System.err.println("BackendHttpRun: " + e.getMessage());
      e.printStackTrace();
    } finally {
      // The stack's servers run on non-daemon threads; exiting runs the shutdown hooks that stop them.
      System.exit(status);
    }
  }

  private static void run(String[] args) throws RunnerException, CommandLineOptionException {
    List<String> jmh = new ArrayList<>(Arrays.asList(args));
    int[] concurrencies = concurrencies(jmh);
    CommandLineOptions given = new CommandLineOptions(jmh.toArray(String[]::new));
    String resultFile = given.getResult().orElse("backend-http.json");
    ResultFormatType format = given.getResultFormat().orElse(ResultFormatType.JSON);
    List<RunResult> all = new ArrayList<>();
    for (int threads : concurrencies) {
      OptionsBuilder builder = new OptionsBuilder();
      builder.parent(given);
      if (given.getIncludes().isEmpty()) {
        builder.include(BackendHttpBenchmark.class.getName() + "\\.");
      }
      Options options = builder.forks(0).threads(threads).resultFormat(ResultFormatType.TEXT)
          .result(resultFile.replaceFirst("\\.json$", "") + "-t" + threads + ".txt").build();
      Collection<RunResult> results = new Runner(options).run();
      all.addAll(results);
    }
    ResultFormatFactory.getInstance(format, resultFile).writeOut(all);
  }

  /**
   * Takes {@code -c list} out of the arguments and answers the concurrencies ({@code 1,10} without it).
   *
   * @throws IllegalArgumentException naming {@code -c} when its value is missing or not a list of positive numbers
   */
  static int[] concurrencies(List<String> args) {
    int c = args.indexOf("-c");
    if (c < 0) {
      return new int[] {1, 10};
    }
    if (c + 1 >= args.size()) {
      throw new IllegalArgumentException("-c needs a value, e.g. -c 1,10");
    }
    String value = args.get(c + 1);
    int[] concurrencies;
    try {
      concurrencies = Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-c must be a comma-separated list of concurrencies, e.g. 1,10, was "
          + value);
    }
    for (int threads : concurrencies) {
      if (threads < 1) {
        throw new IllegalArgumentException("-c: every concurrency must be at least 1, was " + value);
      }
    }
    args.subList(c, c + 2).clear();
    return concurrencies;
  }
}
