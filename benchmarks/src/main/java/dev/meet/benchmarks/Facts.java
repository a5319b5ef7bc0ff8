package dev.meet.benchmarks;

import java.util.Locale;

/**
 * Facts a benchmark proves besides its time (Redis commands per rejected attempt, LiveKit calls per collector run):
 * printed as {@code [fact] benchmark key=value ...} lines, which {@code benchmarks/run.sh} collects into the report.
 */
final class Facts {

  private Facts() {}

  static void print(String benchmark, Object... keyValues) {
    StringBuilder line = new StringBuilder("\n[fact] ").append(benchmark);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      Object value = keyValues[i + 1];
      line.append(' ').append(keyValues[i]).append('=')
          .append(value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : value);
    }
    System.out.println(line);
  }
}
