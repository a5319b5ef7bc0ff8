package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.livekit.LiveKitSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder only collects values: building is repeatable and validates the settings as a whole. */
class RecordingManagerBuilderTest {

  @TempDir
  Path recordings;

  private RecordingManager.Builder builder() {
    return RecordingManager.builder()
        .liveKit(new LiveKitSettings("http://127.0.0.1:1", "key", "secret"))
        .localStorage(recordings)
        .instanceId("builder-test");
  }

  @Test
  void buildingDoesNotChangeTheBuilderSoALongerStartTimeoutLaterGetsItsOwnDefaultGrace() {
    RecordingManager.Builder builder = builder().startTimeout(Duration.ofSeconds(30));
    builder.build().close();

    builder.startTimeout(Duration.ofSeconds(60));

    try (RecordingManager second = builder.build()) {
      assertThat(second.instanceId()).isEqualTo("builder-test");
    }
  }

  @Test
  void aGraceNotLongerThanTheStartTimeoutIsRejectedNamingBoth() {
    assertThatThrownBy(() -> builder().startTimeout(Duration.ofSeconds(30)).collectorGrace(Duration.ofSeconds(30))
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("collectorGrace")
        .hasMessageContaining("startTimeout");
  }

  @Test
  void aGraceNotCoveringTheLiveKitCallTheStartTimeoutAndTheMarginIsRejectedNamingThem() {
    // LiveKit call timeout 10 s (the default) + start timeout 30 s + 2 s = 42 s: 42 s is not enough.
    assertThatThrownBy(() -> builder().startTimeout(Duration.ofSeconds(30)).collectorGrace(Duration.ofSeconds(42))
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("collectorGrace (PT42S)")
        .hasMessageContaining("LiveKit call timeout (PT10S)")
        .hasMessageContaining("startTimeout (PT30S)");
  }

  @Test
  void theDefaultGraceCoversALongLiveKitCallTimeout() {
    try (RecordingManager manager = RecordingManager.builder()
        .liveKit(new LiveKitSettings("http://127.0.0.1:1", "key", "secret", Duration.ofSeconds(60)))
        .localStorage(recordings).instanceId("builder-test").startTimeout(Duration.ofSeconds(30)).build()) {
      assertThat(manager).extracting("settings.collectorGrace").isEqualTo(Duration.ofSeconds(122));
    }
  }

  @Test
  void aLockLifetimeNotLongerThanTheGraceIsRejectedNamingBoth() {
    assertThatThrownBy(() -> builder().lockTtl(Duration.ofSeconds(60)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lockTtl (PT1M)")
        .hasMessageContaining("collectorGrace (PT1M)");
  }

  @Test
  void anAdditionalWebhookKeyNamingTheLiveKitKeyWithAnotherSecretIsRejected() {
    assertThatThrownBy(() -> builder().additionalWebhookKey("key", "another-secret").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("additionalWebhookKey names the LiveKit API key 'key' with another secret");
  }

  @Test
  void withoutAnInstanceIdEachManagerGetsItsOwn() {
    RecordingManager.Builder builder = RecordingManager.builder()
        .liveKit(new LiveKitSettings("http://127.0.0.1:1", "key", "secret"))
        .localStorage(recordings);
    try (RecordingManager first = builder.build(); RecordingManager second = builder.build()) {
      assertThat(first.instanceId()).contains(":" + ProcessHandle.current().pid() + ":");
      assertThat(first.instanceId()).isNotEqualTo(second.instanceId());
    }
  }
}
