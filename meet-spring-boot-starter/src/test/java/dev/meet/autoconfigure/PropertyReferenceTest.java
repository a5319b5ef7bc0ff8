package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the property reference of docs/spring-boot.md in step with the metadata the configuration processor generates
 * from {@link MeetProperties}: every property listed, none invented, every default as generated.
 *
 * <p>A default in the table is either the generated default in backticks, or, for a property without one, words
 * (a dash, "start timeout + 30 s") and no backticked value.
 */
class PropertyReferenceTest {

  /** Surefire passes the build directory; relative paths start at the module. */
  private static final Path METADATA = Path.of(System.getProperty("meet.build.dir", "target"),
      "classes", "META-INF", "spring-configuration-metadata.json");
  private static final Path DOCS = Path.of("..", "docs", "spring-boot.md");
  private static final String SECTION = "## Property reference";
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`((?:meet|management\\.health\\.meet)\\.[^`]+)`\\s*\\|([^|]*)\\|([^|]*)\\|\\s*$");
  private static final Pattern LITERAL = Pattern.compile("^`([^`]*)`$");

  @Test
  void theDocumentedTableMatchesTheGeneratedMetadata() throws IOException {
    Map<String, Optional<String>> generated = metadata(Files.readString(METADATA));
    assertThat(generated).as("properties in %s", METADATA).isNotEmpty();

    assertThat(differences(generated, Files.readString(DOCS))).isEmpty();
  }

  @Test
  void everyGeneratedPropertyHasADescription() throws IOException {
    JsonNode properties = JsonMapper.builder().build().readTree(Files.readString(METADATA)).get("properties");
    List<String> undescribed = new ArrayList<>();
    for (JsonNode property : properties) {
      JsonNode description = property.get("description");
      if (description == null || description.asString().isBlank()) {
        undescribed.add(property.get("name").asString());
      }
    }
    assertThat(undescribed).isEmpty();
  }

  @Test
  void aPropertyMissingFromTheTableIsReported() {
    Map<String, Optional<String>> generated = Map.of("meet.a", Optional.of("1s"), "meet.b", Optional.empty());

    assertThat(differences(generated, table("| `meet.a` | `1s` | A. |")))
        .containsExactly("meet.b is in the metadata but not in the table");
  }

  @Test
  void aTablePropertyThatDoesNotExistIsReported() {
    Map<String, Optional<String>> generated = Map.of("meet.a", Optional.of("1s"));

    assertThat(differences(generated, table("| `meet.a` | `1s` | A. |", "| `meet.gone` | — | Gone. |")))
        .containsExactly("meet.gone is in the table but not in the metadata");
  }

  @Test
  void aDefaultThatDiffersIsReported() {
    Map<String, Optional<String>> generated = Map.of("meet.a", Optional.of("1s"), "meet.b", Optional.empty());

    assertThat(differences(generated, table("| `meet.a` | `2s` | A. |", "| `meet.b` | `5` | B. |"))).containsExactly(
        "meet.a: the table says default `2s`, the metadata `1s`",
        "meet.b: the table says default `5`, the metadata has none");
  }

  private static String table(String... rows) {
    return "# Title\n\n" + SECTION + "\n\n| property | default | description |\n| --- | --- | --- |\n"
        + String.join("\n", rows) + "\n\n## Next section\n\n| `meet.elsewhere` | `x` | Not in the reference. |\n";
  }

  /** Name to default (the JSON value as text; booleans and numbers as written), in the metadata's order. */
  static Map<String, Optional<String>> metadata(String json) {
    Map<String, Optional<String>> properties = new LinkedHashMap<>();
    for (JsonNode property : JsonMapper.builder().build().readTree(json).get("properties")) {
      JsonNode value = property.get("defaultValue");
      properties.put(property.get("name").asString(), value == null || value.isNull() ? Optional.empty()
          : Optional.of(value.isString() ? value.asString() : value.toString()));
    }
    return properties;
  }

  /** What disagrees between the metadata and the markdown's property reference, one sentence each. */
  static List<String> differences(Map<String, Optional<String>> generated, String markdown) {
    Map<String, String> documented = documentedDefaults(markdown);
    List<String> problems = new ArrayList<>();
    generated.keySet().stream().sorted().filter(name -> !documented.containsKey(name))
        .forEach(name -> problems.add(name + " is in the metadata but not in the table"));
    documented.keySet().stream().sorted().filter(name -> !generated.containsKey(name))
        .forEach(name -> problems.add(name + " is in the table but not in the metadata"));
    documented.keySet().stream().sorted().filter(generated::containsKey).forEach(name -> {
      Matcher literal = LITERAL.matcher(documented.get(name));
      Optional<String> tableDefault = literal.matches() ? Optional.of(literal.group(1)) : Optional.empty();
      Optional<String> metadataDefault = generated.get(name);
      if (!tableDefault.equals(metadataDefault)) {
        problems.add(name + ": the table says " + tableDefault.map(d -> "default `" + d + "`").orElse("no default")
            + ", the metadata " + metadataDefault.map(d -> "`" + d + "`").orElse("has none"));
      }
    });
    return problems;
  }

  /** Property to its default cell, from the rows of the property reference section only. */
  private static Map<String, String> documentedDefaults(String markdown) {
    int start = markdown.indexOf(SECTION);
    assertThat(start).as("a '%s' section", SECTION).isNotNegative();
    int end = markdown.indexOf("\n## ", start + SECTION.length());
    String section = markdown.substring(start, end < 0 ? markdown.length() : end);
    Map<String, String> defaults = new LinkedHashMap<>();
    for (String line : section.split("\n")) {
      Matcher row = ROW.matcher(line.strip());
      if (row.matches()) {
        String previous = defaults.put(row.group(1), row.group(2).strip());
        assertThat(previous).as("%s listed once", row.group(1)).isNull();
        assertThat(row.group(3).strip()).as("description of %s", row.group(1)).isNotEmpty();
      }
    }
    return Objects.requireNonNull(defaults);
  }
}
