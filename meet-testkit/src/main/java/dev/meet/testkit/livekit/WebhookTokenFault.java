package dev.meet.testkit.livekit;

/** How the emulator corrupts the {@code Authorization} header of the webhooks it sends. */
public enum WebhookTokenFault {
  /** A correct token, as LiveKit sends it. */
  NONE,
  /** A token signed with a different secret. */
  BAD_SIGNATURE,
  /** A token whose {@code exp} lies in the past. */
  EXPIRED,
  /** A correct token behind a {@code Bearer } prefix, which LiveKit never sends. */
  BEARER_PREFIX,
  /** A correct signature over a {@code sha256} claim that does not match the body. */
  WRONG_BODY_HASH
}
