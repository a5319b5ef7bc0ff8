package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30),
      Duration.ofHours(24));

  @Test
  void theDelayDoublesPerAttemptUpToTheMaximumWithJitterInTheUpperHalf() {
    assertThat(policy.delay(1, null, () -> 0.0)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.delay(1, null, () -> 0.999)).isBetween(Duration.ofMillis(999), Duration.ofMillis(1000));
    assertThat(policy.delay(3, null, () -> 0.0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.delay(40, null, () -> 0.0)).isEqualTo(Duration.ofSeconds(15));
    assertThat(policy.delay(40, null, () -> 0.999)).isLessThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retryAfterWinsButNeverBelowTheInitialDelay() {
    assertThat(policy.delay(1, Duration.ofSeconds(120), () -> 0.5)).isEqualTo(Duration.ofSeconds(120));
    assertThat(policy.delay(5, Duration.ZERO, () -> 0.5)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), Duration.ofHours(1)))
        .hasMessageStartingWith("initialDelay");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofHours(1)))
        .hasMessageStartingWith("maxDelay");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(-1)))
        .hasMessageStartingWith("budget");
  }

  @Test
  void settingsRefuseALeaseNotLongerThanTheAttemptTimeoutAndNeverShowTheKey() {
    WebhookSettings settings = WebhookSettings.of("secret-key");

    assertThatThrownBy(() -> settings.withLease(settings.attemptTimeout())).hasMessageStartingWith("lease");
    assertThatThrownBy(() -> settings.withMaxInFlight(0)).hasMessageStartingWith("maxInFlight");
    assertThatThrownBy(() -> WebhookSettings.of(" ")).hasMessageStartingWith("apiKey");
    assertThat(settings.toString()).doesNotContain("secret-key");
    assertThat(settings.withAttemptTimeout(Duration.ofSeconds(10)).lease()).isEqualTo(Duration.ofSeconds(40));
  }
}
