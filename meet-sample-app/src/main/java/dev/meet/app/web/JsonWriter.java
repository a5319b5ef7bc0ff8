package dev.meet.app.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/** Writes a JSON error body from a filter, outside Spring MVC's message converters. */
public final class JsonWriter {

  private final JsonMapper mapper;

  public JsonWriter(JsonMapper mapper) {
    this.mapper = mapper;
  }

  public void write(HttpServletResponse response, int status, Object body) throws IOException {
    response.resetBuffer();
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    response.getOutputStream().write(mapper.writeValueAsBytes(body));
  }
}
