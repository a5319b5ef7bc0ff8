package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** The served OpenAPI document describes exactly the served endpoints, with every status they answer. */
class OpenApiDocumentTest extends StackTest {

  static JsonNode document;

  @BeforeAll
  static void document() {
    Backend.Response response = api.get("/openapi.json", "X-API-KEY", "");
    assertThat(response.status()).isEqualTo(200);
    document = response.json();
  }

  /** "METHOD path" of every API endpoint the application serves. */
  static Set<String> served() {
    RequestMappingHandlerMapping mapping = api.context().getBean("requestMappingHandlerMapping",
        RequestMappingHandlerMapping.class);
    Set<String> endpoints = new TreeSet<>();
    for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
      if (!entry.getValue().getBeanType().getPackageName().startsWith("dev.meet.app")) {
        continue;
      }
      for (String path : entry.getKey().getPatternValues()) {
        if (!path.startsWith("/meet/api/v1/")) {
          continue;
        }
        entry.getKey().getMethodsCondition().getMethods()
            .forEach(method -> endpoints.add(method.name() + " " + path));
      }
    }
    return endpoints;
  }

  static Set<String> documented() {
    Set<String> endpoints = new TreeSet<>();
    JsonNode paths = document.get("paths");
    for (String path : paths.propertyNames()) {
      for (String method : paths.get(path).propertyNames()) {
        endpoints.add(method.toUpperCase(Locale.ROOT) + " " + path);
      }
    }
    return endpoints;
  }

  @Test
  void everyServedEndpointIsDocumentedAndNothingElse() {
    assertThat(served()).hasSize(22);
    assertThat(documented()).isEqualTo(served());
  }

  static Set<String> statuses(String method, String path) {
    JsonNode operation = document.get("paths").get("/meet/api/v1" + path).get(method);
    return new TreeSet<>(operation.get("responses").propertyNames());
  }

  @Test
  void everyOperationDocumentsItsSuccessAndErrorStatuses() {
    Map<String, Set<String>> expected = Map.ofEntries(
        Map.entry("post /rooms", Set.of("201", "400", "401", "413", "415", "422", "500", "503")),
        Map.entry("get /rooms", Set.of("200", "401", "422", "500", "503")),
        Map.entry("post /webhooks", Set.of("201", "401", "409", "422", "500", "503")),
        Map.entry("get /webhooks/{webhookId}/deliveries", Set.of("200", "401", "404", "422", "500", "503")),
        Map.entry("get /rooms/{roomId}", Set.of("200", "401", "404", "500", "503")),
        Map.entry("delete /rooms/{roomId}", Set.of("200", "202", "401", "404", "409", "422", "500", "503")),
        Map.entry("post /recordings", Set.of("201", "400", "401", "403", "404", "409", "413", "415", "422", "500",
            "503")),
        Map.entry("post /recordings/{recordingId}/stop", Set.of("202", "401", "404", "409", "422", "500", "503")),
        Map.entry("get /recordings", Set.of("200", "401", "422", "500", "503")),
        Map.entry("get /recordings/{recordingId}", Set.of("200", "400", "401", "404", "422", "500", "503")),
        Map.entry("delete /recordings/{recordingId}", Set.of("200", "401", "404", "409", "422", "500", "503")),
        Map.entry("delete /recordings", Set.of("200", "400", "401", "422", "500", "503")),
        Map.entry("get /recordings/{recordingId}/media", Set.of("200", "206", "400", "401", "404", "409", "416",
            "422", "500", "503")),
        Map.entry("get /recordings/{recordingId}/download", Set.of("200", "206", "400", "401", "404", "409", "416",
            "422", "500", "503")),
        Map.entry("get /recordings/download", Set.of("200", "400", "401", "422", "500", "503")),
        Map.entry("get /recordings/{recordingId}/url", Set.of("200", "401", "404", "422", "500", "503")));
    expected.forEach((operation, codes) -> {
      String[] parts = operation.split(" ");
      assertThat(statuses(parts[0], parts[1])).as(operation).containsAll(codes);
    });
  }

  @Test
  void errorsAreDocumentedWithTheErrorBodyAndTheKeyAsSecurity() {
    JsonNode notFound = document.get("paths").get("/meet/api/v1/rooms/{roomId}").get("get").get("responses")
        .get("404");
    assertThat(notFound.toString()).contains("#/components/schemas/Error");
    assertThat(document.get("components").get("securitySchemes").get("apiKey").get("name").asString())
        .isEqualTo("X-API-KEY");
    assertThat(document.get("components").get("schemas").get("Error").get("example")).isNotNull();
  }
}
