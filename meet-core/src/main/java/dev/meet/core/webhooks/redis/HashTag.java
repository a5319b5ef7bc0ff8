package dev.meet.core.webhooks.redis;

/** The key prefix of every webhook key: {@code {prefix}:}, one hash tag, so Lua scripts also run on Redis Cluster. */
final class HashTag {

  private HashTag() {}

  /**
   * @throws IllegalArgumentException when the prefix is blank or holds a brace (it would break the hash tag)
   */
  static String of(String prefix) {
    if (prefix == null || prefix.isBlank() || prefix.contains("{") || prefix.contains("}")) {
      throw new IllegalArgumentException("prefix must be non-blank without '{' or '}', was " + prefix);
    }
    return "{" + prefix + "}:";
  }
}
