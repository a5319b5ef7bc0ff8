package dev.meet.core.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.livekit.WebhookRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WebhookRejectionLogTest {

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  private final WebhookRejectionLog log = new WebhookRejectionLog(Duration.ofMinutes(1), clock);
  private final WebhookRejectedException forged =
      new WebhookRejectedException(Reason.BAD_SIGNATURE, "bad token signature");

  @Test
  void theFirstRejectionIsAWarning() {
    assertThat(log.rejected(forged)).isTrue();
  }

  @Test
  void aFloodOfRejectionsGivesOneWarningPerInterval() {
    int warnings = 0;
    for (int i = 0; i < 10_000; i++) {
      warnings += log.rejected(forged) ? 1 : 0;
    }
    assertThat(warnings).isEqualTo(1);

    now.set(now.get().plusSeconds(59));
    assertThat(log.rejected(forged)).as("still inside the interval").isFalse();
    now.set(now.get().plusSeconds(1));
    assertThat(log.rejected(forged)).as("the interval has passed").isTrue();
  }

  @Test
  void aNegativeIntervalIsRejectedNamingIt() {
    assertThatThrownBy(() -> new WebhookRejectionLog(Duration.ofSeconds(-1), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("interval must not be negative");
  }
}
