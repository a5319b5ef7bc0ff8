package dev.meet.autoconfigure;

/**
 * meet is misconfigured: a property is missing, malformed, or points at something unreachable. Start-up fails, and
 * {@link MeetConfigurationFailureAnalyzer} tells the operator what to set.
 */
public class MeetConfigurationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final String action;

  /**
   * @param property the property at fault, e.g. {@code meet.livekit.api-secret}
   * @param problem what is wrong
   * @param action what to set
   */
  public MeetConfigurationException(String property, String problem, String action) {
    this(property, problem, action, null);
  }

  public MeetConfigurationException(String property, String problem, String action, Throwable cause) {
    super(property + ": " + problem, cause);
    this.property = property;
    this.action = action;
  }

  public String property() {
    return property;
  }

  public String action() {
    return action;
  }
}
