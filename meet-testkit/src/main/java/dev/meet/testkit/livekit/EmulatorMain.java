package dev.meet.testkit.livekit;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs the emulator as a standalone server: {@code java -jar meet-livekit-emulator.jar --port 7880 ...}.
 *
 * <p>The flags are parsed by hand: a dozen {@code --name value} pairs do not justify a CLI library in a jar that
 * users put on their test classpath.
 */
public final class EmulatorMain {

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");

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

  /** {@code --help} or {@code -h}: print the usage, start nothing. */
  static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help requested", null, false, false);
    }
  }

  /**
   * What the command line asks for. A {@code null} setting was not given: the builder's default applies.
   *
   * @param port the port; 7880 unless given, like {@code livekit-server}
   * @param defaultS3 the egress's own storage, when {@code --s3-bucket} is given
   */
  record Options(
      @Nullable String host,
      int port,
      String apiKey,
      String apiSecret,
      List<URI> webhookUrls,
      @Nullable Duration activationDelay,
      @Nullable Duration endingDelay,
      @Nullable Duration startSignalTimeout,
      @Nullable Duration webhookRetryBase,
      @Nullable Duration emptyTimeout,
      @Nullable Duration departureTimeout,
      @Nullable Duration egressRetention,
      @Nullable Path outputDirectory,
      @Nullable S3Target defaultS3) {

    Options {
      webhookUrls = List.copyOf(webhookUrls);
    }

    LiveKitEmulator.Builder builder() {
      LiveKitEmulator.Builder builder = LiveKitEmulator.builder().port(port).credentials(apiKey, apiSecret);
      if (host != null) {
        builder.host(host);
      }
      webhookUrls.forEach(builder::webhookUrl);
      if (activationDelay != null) {
        builder.activationDelay(activationDelay);
      }
      if (endingDelay != null) {
        builder.endingDelay(endingDelay);
      }
      if (startSignalTimeout != null) {
        builder.startSignalTimeout(startSignalTimeout);
      }
      if (webhookRetryBase != null) {
        builder.webhookRetryBase(webhookRetryBase);
      }
      if (emptyTimeout != null) {
        builder.emptyTimeout(emptyTimeout);
      }
      if (departureTimeout != null) {
        builder.departureTimeout(departureTimeout);
      }
      if (egressRetention != null) {
        builder.egressRetention(egressRetention);
      }
      if (outputDirectory != null) {
        builder.outputDirectory(outputDirectory);
      }
      if (defaultS3 != null) {
        builder.defaultS3(defaultS3);
      }
      return builder;
    }
  }

  /**
   * The emulator the flags describe, not yet built.
   *
   * @throws IllegalArgumentException naming the flag that is unknown, lacks its value or has a bad one
   * @throws HelpRequested for {@code --help}
   */
  static LiveKitEmulator.Builder parse(String[] args) {
    return options(args).builder();
  }

  /**
   * The flags, checked: every mistake is reported here, naming its flag, rather than later by the builder in its own
   * words.
   */
  static Options options(String[] args) {
    String host = null;
    int port = 7880;
    String apiKey = "devkey";
    String apiSecret = "secret";
    List<URI> webhookUrls = new ArrayList<>();
    Duration activationDelay = null;
    Duration endingDelay = null;
    Duration startSignalTimeout = null;
    Duration webhookRetryBase = null;
    Duration emptyTimeout = null;
    Duration departureTimeout = null;
    Duration egressRetention = null;
    Path outputDirectory = null;
    URI s3Endpoint = null;
    String s3Region = null;
    String s3AccessKey = null;
    String s3Secret = null;
    String s3Bucket = null;
    Boolean s3PathStyle = null;
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
        case "--port" -> port = parsePort(flag, value);
        case "--host" -> host = requireText(flag, value);
        case "--api-key" -> apiKey = requireText(flag, value);
        case "--api-secret" -> apiSecret = requireText(flag, value);
        case "--webhook-url" -> webhookUrls.add(parseUri(flag, value));
        case "--activation-delay" -> activationDelay = parseDuration(flag, value);
        case "--ending-delay" -> endingDelay = parseDuration(flag, value);
        case "--start-signal-timeout" -> startSignalTimeout = parseDuration(flag, value);
        case "--webhook-retry-base" -> webhookRetryBase = parseDuration(flag, value);
        case "--empty-timeout" -> emptyTimeout = parseDuration(flag, value);
        case "--departure-timeout" -> departureTimeout = parseDuration(flag, value);
        case "--egress-retention" -> egressRetention = parseDuration(flag, value);
        case "--output-dir" -> outputDirectory = parsePath(flag, value);
        case "--s3-endpoint" -> s3Endpoint = parseUri(flag, value);
        case "--s3-region" -> s3Region = requireText(flag, value);
        case "--s3-access-key" -> s3AccessKey = requireText(flag, value);
        case "--s3-secret" -> s3Secret = requireText(flag, value);
        case "--s3-bucket" -> s3Bucket = requireText(flag, value);
        case "--s3-force-path-style" -> s3PathStyle = parseBoolean(flag, value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    S3Target defaultS3 = null;
    if (s3Bucket != null) {
      if (s3AccessKey == null || s3Secret == null) {
        throw new IllegalArgumentException("--s3-bucket needs --s3-access-key and --s3-secret");
      }
      defaultS3 = new S3Target(
          s3Endpoint,
          s3Region == null ? S3Target.DEFAULT_REGION : s3Region,
          s3AccessKey,
          s3Secret,
          s3Bucket,
          s3PathStyle == null || s3PathStyle);
    } else {
      // Settings for a bucket nobody named would be silently ignored: say so instead.
      String orphan = s3Endpoint != null ? "--s3-endpoint"
          : s3Region != null ? "--s3-region"
          : s3AccessKey != null ? "--s3-access-key"
          : s3Secret != null ? "--s3-secret"
          : s3PathStyle != null ? "--s3-force-path-style"
          : null;
      if (orphan != null) {
        throw new IllegalArgumentException(orphan + " needs --s3-bucket");
      }
    }
    return new Options(host, port, apiKey, apiSecret, webhookUrls, activationDelay, endingDelay, startSignalTimeout,
        webhookRetryBase, emptyTimeout, departureTimeout, egressRetention, outputDirectory, defaultS3);
  }

  private static String requireText(String flag, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(flag + " must not be blank");
    }
    return value;
  }

  private static int parsePort(String flag, String value) {
    int port;
    try {
      port = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, was " + value);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(flag + " must be within 0..65535, was " + value);
    }
    return port;
  }

  private static boolean parseBoolean(String flag, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(flag + " must be true or false, was " + value);
    };
  }

  private static Path parsePath(String flag, String value) {
    try {
      return Path.of(requireText(flag, value));
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException(flag + " must be a directory path, was " + value);
    }
  }

  private static URI parseUri(String flag, String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri == null || (!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(flag + " must be an absolute http(s) URL, was " + value);
    }
    return uri;
  }

  /** {@code 1500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, or ISO-8601 ({@code PT2S}); never negative. */
  static Duration parseDuration(String flag, String value) {
    Objects.requireNonNull(flag, "flag");
    String text = value.trim().toLowerCase(Locale.ROOT);
    Duration duration = null;
    Matcher simple = SIMPLE_DURATION.matcher(text);
    try {
      if (simple.matches()) {
        double amount = Double.parseDouble(simple.group(1));
        double millis = switch (simple.group(2)) {
          case "ms" -> amount;
          case "s" -> amount * 1_000;
          default -> amount * 60_000;
        };
        if (millis <= Long.MAX_VALUE) {
          duration = Duration.ofMillis(Math.round(millis));
        }
      } else if (text.startsWith("pt")) {
        duration = Duration.parse(text.toUpperCase(Locale.ROOT));
      }
    } catch (RuntimeException e) {
      duration = null;
    }
    if (duration == null || duration.isNegative()) {
      throw new IllegalArgumentException(flag + " must be a duration like 1500ms, 2s or 1m, was " + value);
    }
    return duration;
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
        "  --empty-timeout <d>           a room nobody joined closes after this (default 300s, like LiveKit)",
        "  --departure-timeout <d>       a room closes this long after its last participant left (default 20s)",
        "  --egress-retention <d>        ended egresses are forgotten this long after they ended (default PT24H)",
        "  --output-dir <dir>            where files without S3 upload settings go (default: a temp dir)",
        "  --s3-bucket <b>               instead, upload such files to this bucket; with:",
        "  --s3-endpoint <url>           S3 endpoint (default AWS)",
        "  --s3-region <r>               region (default us-east-1)",
        "  --s3-access-key <k> --s3-secret <s>",
        "  --s3-force-path-style <bool>  path-style addressing (default true)",
        "  --help                        this text",
        "",
        "Durations: 1500ms, 2s, 1m or ISO-8601 (PT2S, PT24H). Control API: see docs/testkit.md."));
    lines.forEach(out::println);
  }
}
