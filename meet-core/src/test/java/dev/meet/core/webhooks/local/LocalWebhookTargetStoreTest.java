package dev.meet.core.webhooks.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.webhooks.AbstractWebhookTargetStoreContractTest;
import dev.meet.core.webhooks.WebhookException;
import dev.meet.core.webhooks.WebhookTargetStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract against a real file (another handle = the file re-read, as after a restart). */
class LocalWebhookTargetStoreTest extends AbstractWebhookTargetStoreContractTest {

  @TempDir
  Path directory;

  private WebhookTargetStore current;

  @Override
  protected WebhookTargetStore newStore() {
    current = LocalWebhookTargetStore.inFile(directory.resolve("webhooks/targets.json"));
    return current;
  }

  @Override
  protected WebhookTargetStore sameStoreAgain() {
    // One process owns the file: the same handle while it runs, a fresh one for "after a restart" checks.
    return current;
  }

  @Test
  void whatWasStoredIsReadAfterARestart() {
    newStore().create(target("wh_1", 1), 20);

    org.assertj.core.api.Assertions.assertThat(
        LocalWebhookTargetStore.inFile(directory.resolve("webhooks/targets.json")).list())
        .extracting(t -> t.webhookId()).containsExactly("wh_1");
  }

  @Test
  void aCorruptFileIsAClearErrorNamingIt() throws IOException {
    Path file = directory.resolve("targets.json");
    Files.writeString(file, "{\"not\":\"an array\"}");

    assertThatThrownBy(() -> LocalWebhookTargetStore.inFile(file)).isInstanceOf(WebhookException.class)
        .hasMessageContaining(file.toString());
  }
}
