package dev.meet.testkit.livekit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON for the emulator's own bodies (control API, Twirp error bodies); protobuf messages use JsonFormat. */
final class Json {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a request body; an empty body is an empty object. */
  static JsonNode read(byte[] body) throws IOException {
    if (body.length == 0) {
      return MAPPER.createObjectNode();
    }
    return MAPPER.readTree(body);
  }
}
