package dev.meet.core.webhooks;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stored documents of the webhook providers (deliveries and targets), one format for every provider. Unknown
 * fields are ignored on read, so an older instance reads what a newer one wrote during a rolling upgrade.
 */
public final class WebhookStorageJson {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private WebhookStorageJson() {}

  public static String write(Delivery delivery) {
    return writeValue(Objects.requireNonNull(delivery, "delivery"));
  }

  public static String write(WebhookTarget target) {
    return writeValue(Objects.requireNonNull(target, "target"));
  }

  /**
   * @param source where the document came from, for the error message
   * @throws WebhookException when it is not a delivery
   */
  public static Delivery readDelivery(String json, String source) {
    return read(json, source, Delivery.class);
  }

  /**
   * @param source where the document came from, for the error message
   * @throws WebhookException when it is not a target
   */
  public static WebhookTarget readTarget(String json, String source) {
    return read(json, source, WebhookTarget.class);
  }

  public static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String writeValue(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JacksonException e) {
      throw new IllegalStateException("could not write " + value.getClass().getSimpleName(), e);
    }
  }

  private static <T> T read(String json, String source, Class<T> type) {
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw new WebhookException("corrupt webhook document in " + source + ": null");
      }
      return value;
    } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
      String reason = e instanceof JacksonException jackson ? jackson.getOriginalMessage() : e.getMessage();
      throw new WebhookException("corrupt webhook document in " + source + ": "
          + String.valueOf(reason).replaceAll("\\s+", " ").strip(), e);
    }
  }
}
