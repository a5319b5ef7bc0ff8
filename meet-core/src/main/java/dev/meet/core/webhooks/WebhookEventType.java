package dev.meet.core.webhooks;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The events the backend sends, with their wire names ({@code recordingStarted}, ...). */
public enum WebhookEventType {
  RECORDING_STARTED("recordingStarted", true),
  RECORDING_UPDATED("recordingUpdated", true),
  RECORDING_ENDED("recordingEnded", true),
  MEETING_STARTED("meetingStarted", false),
  MEETING_ENDED("meetingEnded", false),
  PARTICIPANT_JOINED("participantJoined", false),
  PARTICIPANT_LEFT("participantLeft", false);

  private final String value;
  private final boolean perRecording;

  WebhookEventType(String value, boolean perRecording) {
    this.value = value;
    this.perRecording = perRecording;
  }

  /** The name in the body's {@code event} field. */
  @JsonValue
  public String value() {
    return value;
  }

  /** Recording events are ordered per recording; the others per room. */
  public boolean isPerRecording() {
    return perRecording;
  }

  /**
   * Parses a wire name.
   *
   * @throws IllegalArgumentException naming the value and the valid names
   */
  @JsonCreator
  public static WebhookEventType of(String value) {
    for (WebhookEventType type : values()) {
      if (type.value.equals(value)) {
        return type;
      }
    }
    throw new IllegalArgumentException("event must be one of " + names() + "; was '" + value + "'");
  }

  /** The wire names, comma-separated, for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(WebhookEventType::value).collect(Collectors.joining(", "));
  }
}
