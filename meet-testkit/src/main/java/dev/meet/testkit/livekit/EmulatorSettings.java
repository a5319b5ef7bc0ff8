package dev.meet.testkit.livekit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import java.net.URI;

/**
 * Everything an emulator is started with (built by {@link LiveKitEmulator.Builder}).
 *
 * @param host the address to listen on
 * @param port the port, 0 for a free one
 * @param apiKey the API key LiveKit tokens must be issued by
 * @param apiSecret the secret of {@code apiKey}
 * @param webhookUrls where webhooks are sent, in order
 * @param activationDelay how long an egress stays STARTING before it becomes ACTIVE (once the room has a publisher)
 * @param endingDelay how long an egress stays ENDING before its file is written and it completes
 * @param startSignalTimeout how long an egress may stay STARTING before it is ABORTED "Start signal not received"
 * @param webhookRetryBase the first backoff of webhook retries (then doubled)
 * @param emptyTimeout how long a room nobody joined stays open (LiveKit: 300 s)
 * @param departureTimeout how long a room stays open after the last participant left (LiveKit: 20 s)
 * @param egressRetention how long the info of an ended egress is kept (LiveKit: 24 h)
 * @param outputDirectory where egress files without upload settings are written
 * @param defaultS3 the egress's own storage for files without upload settings, instead of {@code outputDirectory}
 */
record EmulatorSettings(
    String host,
    int port,
    String apiKey,
    String apiSecret,
    List<URI> webhookUrls,
    Duration activationDelay,
    Duration endingDelay,
    Duration startSignalTimeout,
    Duration webhookRetryBase,
    Duration emptyTimeout,
    Duration departureTimeout,
    Duration egressRetention,
    Path outputDirectory,
    @Nullable S3Target defaultS3) {

  EmulatorSettings {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be within 0..65535, was " + port);
    }
    requireText(apiKey, "apiKey");
    requireText(apiSecret, "apiSecret");
    webhookUrls = List.copyOf(webhookUrls);
    requireNotNegative(activationDelay, "activationDelay");
    requireNotNegative(endingDelay, "endingDelay");
    requireNotNegative(startSignalTimeout, "startSignalTimeout");
    requireNotNegative(webhookRetryBase, "webhookRetryBase");
    requireNotNegative(emptyTimeout, "emptyTimeout");
    requireNotNegative(departureTimeout, "departureTimeout");
    requireNotNegative(egressRetention, "egressRetention");
    Objects.requireNonNull(outputDirectory, "outputDirectory");
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  static Duration requireNotNegative(Duration value, String name) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be a non-negative duration, was " + value);
    }
    return value;
  }
}
