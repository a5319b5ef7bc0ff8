package dev.meet.app.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code X-API-KEY} on every API call, compared in constant time. The documentation paths are open, and a GET of one
 * recording or its media carrying {@code recordingSecret} goes on to the controller, which checks the secret (the
 * recording's public secret allows anonymous reads).
 */
public final class ApiKeyFilter extends OncePerRequestFilter {

  /** Marks a request let through without a valid key because it carries a recording secret. */
  public static final String ANONYMOUS = ApiKeyFilter.class.getName() + ".anonymous";
  public static final String HEADER = "X-API-KEY";

  private final String apiPrefix;
  private final byte[] keyDigest;
  private final Pattern recordingRead;
  private final JsonWriter json;

  /**
   * @param apiPrefix {@code {base}/api/v1}
   * @param apiKey the key every call must carry
   */
  public ApiKeyFilter(String apiPrefix, String apiKey, JsonWriter json) {
    this.apiPrefix = apiPrefix;
    this.keyDigest = digest(apiKey);
    this.recordingRead = Pattern.compile(Pattern.quote(apiPrefix) + "/recordings/[^/]+(/media|/download)?/?");
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    if (!path.startsWith(apiPrefix + "/") && !path.equals(apiPrefix)) {
      return true;
    }
    String rest = path.substring(apiPrefix.length());
    return rest.equals("/docs") || rest.startsWith("/docs/") || rest.startsWith("/openapi.json")
        || rest.startsWith("/swagger-ui");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String key = request.getHeader(HEADER);
    if (key != null && MessageDigest.isEqual(digest(key), keyDigest)) {
      chain.doFilter(request, response);
      return;
    }
    if ("GET".equals(request.getMethod()) && request.getParameter("recordingSecret") != null
        && recordingRead.matcher(request.getRequestURI()).matches()) {
      request.setAttribute(ANONYMOUS, Boolean.TRUE);
      chain.doFilter(request, response);
      return;
    }
    json.write(response, 401, ApiError.of("Authentication Error",
        key == null ? "Unauthorized: the X-API-KEY header is missing" : "Invalid API key"));
  }

  /** Comparing digests of equal length keeps the comparison constant-time whatever the lengths of the keys. */
  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
