package dev.meet.core.webhooks;

/**
 * The webhook outbox or target store could not be reached or holds something unreadable (Redis down, a corrupt
 * file, ...). The cause is attached. Nothing was changed when a call fails with it, unless its message says so.
 */
public class WebhookException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public WebhookException(String message, Throwable cause) {
    super(message, cause);
  }

  public WebhookException(String message) {
    super(message);
  }
}
