package dev.meet.testkit.livekit;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator as a standalone server: {@code java -jar meet-livekit-emulator.jar --port 7880 ...}.
 *
 * <p>The flags are parsed by hand: a dozen {@code --name value} pairs do not justify a CLI library in a jar that
 * users put on their test classpath.
 */
public final class EmulatorMain {

  private EmulatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    LiveKitEmulator.Builder builder;
    try {
      builder = parse(args);
    } catch (HelpRequested e) {
      usage(System.out);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      usage(System.err);
      System.exit(2);
      return;
    }
    LiveKitEmulator emulator = builder.build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      emulator.close();
      stopped.countDown();
    }, "livekit-emulator-shutdown"));
    System.out.println("LiveKit emulator listening on " + emulator.url() + " (api key " + emulator.apiKey()
        + ", files in " + emulator.outputDirectory() + ")");
    stopped.await();
  }

  private static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  static LiveKitEmulator.Builder parse(String[] args) {
    LiveKitEmulator.Builder builder = LiveKitEmulator.builder().port(7880);
    String apiKey = "devkey";
    String apiSecret = "secret";
    String s3Endpoint = null;
    String s3Region = "us-east-1";
    String s3AccessKey = null;
    String s3Secret = null;
    String s3Bucket = null;
    boolean s3PathStyle = true;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new HelpRequested();
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--port" -> builder.port(parseInt(flag, value));
        case "--host" -> builder.host(value);
        case "--api-key" -> apiKey = value;
        case "--api-secret" -> apiSecret = value;
        case "--webhook-url" -> builder.webhookUrl(parseUri(flag, value));
        case "--activation-delay" -> builder.activationDelay(parseDuration(flag, value));
        case "--ending-delay" -> builder.endingDelay(parseDuration(flag, value));
        case "--start-signal-timeout" -> builder.startSignalTimeout(parseDuration(flag, value));
        case "--webhook-retry-base" -> builder.webhookRetryBase(parseDuration(flag, value));
        case "--output-dir" -> builder.outputDirectory(Path.of(value));
        case "--s3-endpoint" -> s3Endpoint = value;
        case "--s3-region" -> s3Region = value;
        case "--s3-access-key" -> s3AccessKey = value;
        case "--s3-secret" -> s3Secret = value;
        case "--s3-bucket" -> s3Bucket = value;
        case "--s3-force-path-style" -> s3PathStyle = Boolean.parseBoolean(value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    builder.credentials(apiKey, apiSecret);
    if (s3Bucket != null) {
      if (s3AccessKey == null || s3Secret == null) {
        throw new IllegalArgumentException("--s3-bucket needs --s3-access-key and --s3-secret");
      }
      builder.defaultS3(new S3Target(
          s3Endpoint == null ? null : parseUri("--s3-endpoint", s3Endpoint),
          s3Region, s3AccessKey, s3Secret, s3Bucket, s3PathStyle));
    }
    return builder;
  }

  private static int parseInt(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, was " + value);
    }
  }

  private static URI parseUri(String flag, String value) {
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException(flag + " must be an absolute http(s) URL, was " + value);
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " must be an absolute http(s) URL, was " + value);
    }
  }

  /** {@code 1500ms}, {@code 2s}, {@code 1m}, or ISO-8601 ({@code PT2S}). */
  static Duration parseDuration(String flag, String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (text.startsWith("pt")) {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      if (text.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
      }
      if (text.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      }
    } catch (RuntimeException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException(flag + " must be a duration like 1500ms, 2s or 1m, was " + value);
  }

  private static void usage(PrintStream out) {
    List<String> lines = new ArrayList<>(List.of(
        "Usage: java -jar meet-livekit-emulator.jar [flags]",
        "",
        "A LiveKit server + egress emulator speaking LiveKit's wire protocol.",
        "",
        "  --port <n>                    port to listen on (default 7880; 0 = any free port)",
        "  --host <addr>                 address to listen on (default 127.0.0.1)",
        "  --api-key <key>               API key (default devkey)",
        "  --api-secret <secret>         API secret (default secret)",
        "  --webhook-url <url>           send webhooks here (repeatable)",
        "  --activation-delay <d>        STARTING -> ACTIVE delay once the room has a publisher (default 1500ms)",
        "  --ending-delay <d>            ENDING -> COMPLETE delay (default 500ms)",
        "  --start-signal-timeout <d>    STARTING -> ABORTED \"Start signal not received\" (default 30s)",
        "  --webhook-retry-base <d>      first webhook retry backoff, doubled each retry (default 1s)",
        "  --output-dir <dir>            where files without S3 upload settings go (default: a temp dir)",
        "  --s3-bucket <b>               instead, upload such files to this bucket; with:",
        "  --s3-endpoint <url>           S3 endpoint (default AWS)",
        "  --s3-region <r>               region (default us-east-1)",
        "  --s3-access-key <k> --s3-secret <s>",
        "  --s3-force-path-style <bool>  path-style addressing (default true)",
        "  --help                        this text",
        "",
        "Durations: 1500ms, 2s, 1m or ISO-8601 (PT2S). Control API: see docs/testkit.md."));
    lines.forEach(out::println);
  }
}
