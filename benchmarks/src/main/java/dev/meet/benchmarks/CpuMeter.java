package dev.meet.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time spent by each party of benchmark 6 over a window, so a run on a shared machine still says what a request
 * costs: the backend process ({@code /proc} through {@link ProcessHandle}), this JVM (the load generator, s3proxy and
 * the LiveKit emulator), Redis ({@code INFO cpu}), and the whole machine ({@code /proc/stat}), whose remainder is
 * what other processes took meanwhile.
 */
final class CpuMeter {

  /** One reading; CPU times in nanoseconds, -1 when unknown. */
  record Reading(long wallNanos, long backend, long driver, long redis, long machineBusy, long machineTotal) {}

  private final ProcessHandle backend;
  private final BenchRedis redis;

  CpuMeter(long backendPid, BenchRedis redis) {
    this.backend = ProcessHandle.of(backendPid).orElseThrow(() -> new IllegalStateException("no process "
        + backendPid));
    this.redis = redis;
  }

  Reading read() {
    long[] machine = machine();
    return new Reading(System.nanoTime(),
        backend.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L),
        driver(), redis(), machine[0], machine[1]);
  }

  private static long driver() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private long redis() {
    try (RespConnection resp = redis.newConnection()) {
      String info = (String) resp.call("INFO", "cpu");
      double seconds = 0;
      for (String line : info.split("\r\n")) {
        if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
          seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return (long) (seconds * 1e9);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** {busy, total} CPU time of the whole machine in jiffies ({@code /proc/stat}); {-1, -1} elsewhere. */
  private static long[] machine() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] fields = cpu.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        long value = Long.parseLong(fields[i]);
        total += value;
        if (i == 4 || i == 5) {
          idle += value; // idle, iowait
        }
      }
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /**
   * Prints what the window cost as a {@code [fact]} line: CPU milliseconds per request for each party, and the cores
   * each used on average (machine = all processes; others = machine minus ours).
   */
  static void print(String benchmark, int threads, long requests, Reading from, Reading to) {
    double wall = (to.wallNanos() - from.wallNanos()) / 1e9;
    double backend = cores(from.backend(), to.backend(), wall);
    double driver = cores(from.driver(), to.driver(), wall);
    double redis = cores(from.redis(), to.redis(), wall);
    int processors = Runtime.getRuntime().availableProcessors();
    double machine = from.machineTotal() < 0 || to.machineTotal() == from.machineTotal() ? Double.NaN
        : (double) (to.machineBusy() - from.machineBusy()) / (to.machineTotal() - from.machineTotal()) * processors;
    Facts.print(benchmark, "threads", threads, "requests", requests, "seconds", wall,
        "backendCpuMsPerRequest", perRequest(from.backend(), to.backend(), requests),
        "driverCpuMsPerRequest", perRequest(from.driver(), to.driver(), requests),
        "redisCpuMsPerRequest", perRequest(from.redis(), to.redis(), requests),
        "backendCores", backend, "driverCores", driver, "redisCores", redis, "machineCores", machine,
        "otherCores", machine - backend - driver - redis, "cores", processors);
  }

  private static double cores(long from, long to, double wall) {
    return from < 0 || to < 0 ? Double.NaN : (to - from) / 1e9 / wall;
  }

  private static double perRequest(long from, long to, long requests) {
    return from < 0 || to < 0 || requests == 0 ? Double.NaN : (to - from) / 1e6 / requests;
  }
}
