package dev.meet.core.webhooks.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meet.core.webhooks.AbstractWebhookOutboxContractTest;
import dev.meet.core.webhooks.Delivery;
import dev.meet.core.webhooks.WebhookOutbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract against a real data directory. */
class LocalWebhookOutboxTest extends AbstractWebhookOutboxContractTest {

  @TempDir
  Path directory;

  @Override
  protected WebhookOutbox newOutbox(int deliveredHistory) {
    return LocalWebhookOutbox.inDirectory(directory, deliveredHistory);
  }

  @Override
  protected Optional<WebhookOutbox> reopen() {
    return Optional.of(LocalWebhookOutbox.inDirectory(directory));
  }

  @Test
  void anUnreadableFileIsSetAsideAndTheRestIsLoaded() throws IOException {
    WebhookOutbox outbox = outbox();
    Delivery good = pending("wh_a", "room-1", T0);
    outbox.append(List.of(good));
    Files.writeString(directory.resolve("0000000000000000099-broken.json"), "{not json");

    WebhookOutbox reopened = reopen().orElseThrow();

    assertThat(reopened.get(good.deliveryId())).isPresent();
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .contains("0000000000000000099-broken.json.corrupt");
    }
  }

  @Test
  void aDeliveredDeliveryDroppedFromTheHistoryLeavesNoFile() throws IOException {
    WebhookOutbox outbox = newOutbox(0);
    outbox.append(List.of(pending("wh_a", "room-1", T0)));
    WebhookOutbox.Claim claim = outbox.claim(T0, LEASE).orElseThrow();
    outbox.settle(claim, claim.delivery().delivered(T0, 200));

    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files).isEmpty();
    }
  }
}
