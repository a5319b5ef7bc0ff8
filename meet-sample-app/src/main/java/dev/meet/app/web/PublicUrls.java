package dev.meet.app.web;

import dev.meet.app.config.ApiProperties;
import dev.meet.app.config.BackendProperties;
import java.net.URI;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Absolute URLs in answers: the configured public URL, else the one the request came in at. */
public final class PublicUrls {

  private final ApiProperties api;
  private final BackendProperties backend;

  public PublicUrls(ApiProperties api, BackendProperties backend) {
    this.api = api;
    this.backend = backend;
  }

  /** {@code scheme://host:port{basePath}}. */
  public String base() {
    URI configured = backend.publicUrl();
    String origin = configured != null ? configured.toString().replaceAll("/+$", "")
        : ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
    return origin + api.normalizedBasePath();
  }

  /** {@code scheme://host:port{basePath}/api/v1}. */
  public String api() {
    return base() + "/api/v1";
  }
}
