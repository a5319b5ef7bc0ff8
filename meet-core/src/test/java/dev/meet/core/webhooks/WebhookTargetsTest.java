package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.webhooks.local.LocalWebhookTargetStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookTargetsTest {

  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
  private final WebhookTargets targets = new WebhookTargets(LocalWebhookTargetStore.inMemory(),
      "https://app.example/hooks", clock);

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ftp://example.com/x|must be an http or https URL",
      "example.com/hook|must be an http or https URL",
      "https://user:secret@example.com/x|must not contain a user name or password",
      "https://token@example.com/x|must not contain a user name or password",
      "https:///nohost|must name a host",
      "https://example.com/x#frag|must not have a fragment",
      "http://exa mple.com|not a valid URL",
      "' '|must not be blank"})
  void aBadUrlIsRefusedNamingTheField(String url, String message) {
    assertThatThrownBy(() -> new WebhookTargetSpec(url, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("url").hasMessageContaining(message);
  }

  @Test
  void aTooLongUrlIsRefused() {
    String url = "https://example.com/" + "a".repeat(WebhookTarget.MAX_URL_LENGTH);

    assertThatThrownBy(() -> new WebhookTargetSpec(url, null, null, null))
        .hasMessageContaining("at most 2048 characters");
  }

  @Test
  void anUnknownEventIsRefusedNamingItsPosition() {
    assertThatThrownBy(() -> new WebhookTargetSpec("https://example.com", List.of("meetingEnded", "bogus"), null,
        null)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("events[1] must be one of")
        .hasMessageContaining("'bogus'");
  }

  @Test
  void aCreatedWebhookHasAnIdItsEventsOnceAndIsEnabledByDefault() {
    WebhookTarget created = targets.create(new WebhookTargetSpec("https://example.com/h",
        List.of("recordingEnded", "recordingEnded", "meetingStarted"), "room-1", null)).orElseThrow();

    assertThat(created.webhookId()).matches("wh_[0-9a-f]{16}");
    assertThat(created.events()).containsExactly(WebhookEventType.RECORDING_ENDED, WebhookEventType.MEETING_STARTED);
    assertThat(created.enabled()).isTrue();
    assertThat(created.creationDate()).isEqualTo(1_700_000_000_000L);
    assertThat(targets.find(created.webhookId())).contains(created);
  }

  @Test
  void atMostTwentyWebhooksAreRegisteredAndTheFixedUrlDoesNotCount() {
    for (int i = 0; i < WebhookTargets.MAX_TARGETS; i++) {
      assertThat(targets.create(new WebhookTargetSpec("https://example.com/" + i, null, null, true))).isPresent();
    }

    assertThat(targets.create(new WebhookTargetSpec("https://example.com/21", null, null, true))).isEmpty();
    assertThat(targets.registered()).hasSize(20);
    assertThat(targets.all()).hasSize(21).first().extracting(WebhookTarget::webhookId)
        .isEqualTo(WebhookTargets.FIXED_ID);
  }

  @Test
  void anUpdateKeepsIdAndCreationDate() {
    WebhookTarget created = targets.create(new WebhookTargetSpec("https://example.com/a", null, null, true))
        .orElseThrow();

    WebhookTarget updated = targets.update(created.webhookId(),
        new WebhookTargetSpec("https://example.com/b", List.of("meetingEnded"), null, false)).orElseThrow();

    assertThat(updated).isEqualTo(new WebhookTarget(created.webhookId(), "https://example.com/b",
        List.of(WebhookEventType.MEETING_ENDED), null, false, created.creationDate()));
    assertThat(targets.update("wh_missing", new WebhookTargetSpec("https://x.example", null, null, null))).isEmpty();
  }

  @Test
  void theFixedUrlCannotBeChangedOrDeletedThroughTheResource() {
    WebhookTargetSpec spec = new WebhookTargetSpec("https://example.com", null, null, null);

    assertThatThrownBy(() -> targets.update(WebhookTargets.FIXED_ID, spec)).hasMessageContaining("configuration");
    assertThatThrownBy(() -> targets.delete(WebhookTargets.FIXED_ID)).hasMessageContaining("configuration");
  }

  @Test
  void anInvalidFixedUrlFailsAtConstruction() {
    assertThatThrownBy(() -> new WebhookTargets(LocalWebhookTargetStore.inMemory(), "https://u:p@example.com", clock))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name or password");
  }

  @Test
  void aTargetAcceptsOnlyEnabledWantedEventsOfItsRoom() {
    WebhookEvent ended = WebhookEvent.room(WebhookEventType.MEETING_ENDED, "room-1", "R", 1);
    WebhookEvent started = WebhookEvent.room(WebhookEventType.MEETING_STARTED, "room-1", "R", 1);
    WebhookEvent elsewhere = WebhookEvent.room(WebhookEventType.MEETING_ENDED, "room-2", "R", 1);
    WebhookTarget target = new WebhookTarget("wh_1", "https://x.example", List.of(WebhookEventType.MEETING_ENDED),
        "room-1", true, 0);

    assertThat(Arrays.asList(target.accepts(ended), target.accepts(started), target.accepts(elsewhere)))
        .containsExactly(true, false, false);
    assertThat(new WebhookTarget("wh_1", "https://x.example", List.of(), null, false, 0).accepts(ended)).isFalse();
  }
}
