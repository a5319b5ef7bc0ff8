package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs node, python3 and php as real JSON re-serialisers and receivers. A test that needs one that is not installed
 * is skipped (not passed) with the reason.
 */
final class ExternalTool {

  private ExternalTool() {}

  static Optional<Path> find(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The tool, or the test is skipped saying which tool is missing. */
  static Path require(String name) {
    Optional<Path> tool = find(name);
    Assumptions.assumeTrue(tool.isPresent(), name + " is not installed on this machine: this cross-language check "
        + "needs the real " + name);
    return tool.orElseThrow();
  }

  /** Runs {@code command} with {@code stdin}; returns its stdout, failing the test on a non-zero exit. */
  static String run(List<String> command, String stdin) {
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out;
      byte[] err;
      try (InputStream stdout = process.getInputStream(); InputStream stderr = process.getErrorStream()) {
        out = stdout.readAllBytes();
        err = stderr.readAllBytes();
      }
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
      assertThat(process.exitValue()).as("%s exit code; stderr: %s", command,
          new String(err, StandardCharsets.UTF_8)).isZero();
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  /**
   * Each document parsed and re-serialised the way receivers in {@code language} do: JavaScript's
   * {@code JSON.stringify(JSON.parse(s))}, Python's compact {@code json.dumps(json.loads(s), separators=(',',':'),
   * ensure_ascii=False)}, PHP's {@code json_encode(json_decode(s, true), JSON_UNESCAPED_SLASHES |
   * JSON_UNESCAPED_UNICODE)}. One process for all documents (one per line: JSON text has no raw newline).
   */
  static List<String> reserialised(String language, List<String> documents) {
    List<String> command = switch (language) {
      case "javascript" -> List.of(require("node").toString(), "-e",
          "let s='';process.stdin.setEncoding('utf8');process.stdin.on('data',d=>s+=d);process.stdin.on('end',"
              + "()=>process.stdout.write(s.split('\\n').map(l=>JSON.stringify(JSON.parse(l))).join('\\n')));");
      case "python" -> List.of(require("python3").toString(), "-c",
          "import sys,json;sys.stdout.buffer.write('\\n'.join(json.dumps(json.loads(l),separators=(',',':'),"
              + "ensure_ascii=False) for l in sys.stdin.buffer.read().decode('utf-8').split('\\n')).encode('utf-8'))");
      case "php" -> List.of(require("php").toString(), "-r",
          "echo implode(\"\\n\", array_map(fn($l) => json_encode(json_decode($l, true), JSON_UNESCAPED_SLASHES"
              + " | JSON_UNESCAPED_UNICODE), explode(\"\\n\", file_get_contents('php://stdin'))));");
      default -> throw new IllegalArgumentException(language);
    };
    return List.of(run(command, String.join("\n", documents)).split("\n", -1));
  }

  /** JavaScript's {@code String(x)} of each number, one per line. */
  static List<String> javaScriptNumbers(List<Double> values) {
    Path node = require("node");
    StringBuilder input = new StringBuilder();
    for (double value : values) {
      // Exact bits through the pipe: no decimal conversion on the way in.
      input.append(Long.toHexString(Double.doubleToRawLongBits(value))).append('\n');
    }
    String out = run(List.of(node.toString(), "-e",
        "let s='';process.stdin.on('data',d=>s+=d);process.stdin.on('end',()=>{"
            + "const b=new DataView(new ArrayBuffer(8));"
            + "process.stdout.write(s.trim().split('\\n').map(h=>{b.setBigUint64(0,BigInt('0x'+h));"
            + "return String(b.getFloat64(0));}).join('\\n'));});"), input.toString());
    return new ArrayList<>(List.of(out.split("\n")));
  }
}
