package dev.meet.app.recordings;

import dev.meet.core.Recording;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Field projection: {@code fields=a,b} and/or {@code X-Fields: a,b}, merged; unknown names ignored; none valid means
 * the whole object.
 */
public final class Projection {

  static final Set<String> FIELDS = Set.of("recordingId", "roomId", "roomName", "status", "layout", "encoding",
      "filename", "startDate", "endDate", "duration", "size", "errorCode", "error", "details");

  private final Set<String> fields;
  private final JsonMapper json;

  private Projection(Set<String> fields, JsonMapper json) {
    this.fields = fields;
    this.json = json;
  }

  public static Projection of(@Nullable String query, @Nullable String header, JsonMapper json) {
    Set<String> wanted = new LinkedHashSet<>();
    for (String list : new String[] {query, header}) {
      if (list != null) {
        for (String name : list.split(",")) {
          if (FIELDS.contains(name.strip())) {
            wanted.add(name.strip());
          }
        }
      }
    }
    return new Projection(wanted, json);
  }

  /** The recording, or the object of only the requested fields. */
  public Object apply(Recording recording) {
    if (fields.isEmpty()) {
      return recording;
    }
    ObjectNode whole = json.valueToTree(recording);
    ObjectNode projected = json.createObjectNode();
    for (Map.Entry<String, tools.jackson.databind.JsonNode> field : whole.properties()) {
      if (fields.contains(field.getKey())) {
        projected.set(field.getKey(), field.getValue());
      }
    }
    return projected;
  }
}
