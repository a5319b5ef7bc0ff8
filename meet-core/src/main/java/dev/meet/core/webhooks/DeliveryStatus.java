package dev.meet.core.webhooks;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a delivery stands: {@code pending} (waiting or being retried), {@code delivered}, {@code failed}. */
public enum DeliveryStatus {
  PENDING,
  DELIVERED,
  FAILED;

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static DeliveryStatus of(String value) {
    for (DeliveryStatus status : values()) {
      if (status.value().equals(value)) {
        return status;
      }
    }
    throw new IllegalArgumentException("status must be one of pending, delivered, failed; was '" + value + "'");
  }
}
