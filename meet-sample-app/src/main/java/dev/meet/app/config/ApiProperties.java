package dev.meet.app.config;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The REST API.
 *
 * @param key The key every call carries in X-API-KEY (MEET_API_KEY, MEET_INITIAL_API_KEY); generated when unset
 * @param basePath The base path (MEET_BASE_PATH); the API lives at {basePath}/api/v1
 */
@ConfigurationProperties("meet.api")
public record ApiProperties(@Nullable String key, @DefaultValue("/meet") String basePath) {

  /** The base path without a trailing slash ({@code ""} for the root). */
  public String normalizedBasePath() {
    String path = basePath.strip();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (!path.isEmpty() && !path.startsWith("/")) {
      path = "/" + path;
    }
    return path;
  }

  /** {@code {basePath}/api/v1}. */
  public String apiPrefix() {
    return normalizedBasePath() + "/api/v1";
  }

  @Override
  public String toString() {
    return "ApiProperties[basePath=" + basePath + "]";
  }
}
