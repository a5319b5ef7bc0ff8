package dev.meet.core.webhooks;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.io.NumberOutput;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Writes webhook bodies exactly as JavaScript's {@code JSON.stringify} prints the parsed body, so a receiver that
 * re-serialises what it parsed (JavaScript, Python's compact {@code json.dumps}, PHP's {@code json_encode} with
 * unescaped slashes and unicode) gets the very bytes that were signed.
 *
 * <p>The rules, each a difference from a default JSON writer:
 * <ul>
 *   <li>compact, members in declaration order, raw UTF-8, {@code /} not escaped (Jackson 3 escapes it by default);</li>
 *   <li>control characters as {@code \n}, {@code \t}, ... or {@code \u001f} with lower-case hex, as all three
 *       languages print them; a lone surrogate (unpaired UTF-16 half) becomes U+FFFD, which every parser reads and
 *       prints back the same way;</li>
 *   <li>numbers as ECMAScript's Number::toString prints them: a floating value that is integral is written without
 *       {@code .0} ({@code 12.0} → {@code 12}), a fractional one in its shortest round-trip form; NaN and
 *       infinities as {@code null}; a number beyond ±(2<sup>53</sup>−1) is refused, since JavaScript cannot hold it
 *       exactly;</li>
 *   <li>no empty objects: a member or array element that is {@code {}} (after the same rule applied inside it) is
 *       left out, because PHP reads {@code {}} into an empty array and prints it back as {@code []}.</li>
 * </ul>
 * Null members are left out as well (the recording object writes absent rather than null).
 */
public final class WebhookJson {

  /** 2^53 - 1: the largest integer every JavaScript receiver holds exactly. */
  static final long MAX_SAFE_INTEGER = 9_007_199_254_740_991L;

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
      .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
      .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .build();

  private WebhookJson() {}

  /**
   * The body of an event: {@code {"event":..., "creationDate":..., "data":...}}.
   *
   * @param data any value Jackson can write (a record, a map, a tree)
   * @throws IllegalArgumentException when the data holds a number JavaScript cannot represent exactly
   */
  public static String body(WebhookEventType event, long creationDate, Object data) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("event", event.value());
    body.put("creationDate", creationDate);
    body.set("data", MAPPER.valueToTree(data));
    return write(body);
  }

  /**
   * Any value as canonical JSON text.
   *
   * @throws IllegalArgumentException when the value holds a number JavaScript cannot represent exactly
   */
  public static String write(Object value) {
    JsonNode tree = value instanceof JsonNode node ? node : MAPPER.valueToTree(value);
    JsonNode canonical = canonical(tree, "$");
    try {
      return canonical == null ? "{}" : MAPPER.writeValueAsString(canonical);
    } catch (JacksonException e) {
      throw new IllegalStateException("could not write a webhook body", e);
    }
  }

  /** A copy following the rules above, or null when the node is to be left out. */
  private static JsonNode canonical(JsonNode node, String path) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (node.isObject()) {
      ObjectNode copy = nodes.objectNode();
      for (Map.Entry<String, JsonNode> member : node.properties()) {
        JsonNode value = canonical(member.getValue(), path + "." + member.getKey());
        if (value != null) {
          copy.set(clean(member.getKey()), value);
        }
      }
      return copy.isEmpty() ? null : copy;
    }
    if (node.isArray()) {
      List<JsonNode> elements = new ArrayList<>();
      int index = 0;
      for (JsonNode element : node) {
        JsonNode value = canonical(element, path + "[" + index++ + "]");
        elements.add(value);
      }
      ArrayNode copy = nodes.arrayNode();
      // An element that is null stays null (JSON.stringify keeps array nulls); only empty objects go.
      for (int i = 0; i < elements.size(); i++) {
        JsonNode value = elements.get(i);
        JsonNode original = node.get(i);
        if (value != null) {
          copy.add(value);
        } else if (original.isNull()) {
          copy.addNull();
        }
      }
      return copy;
    }
    if (node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isString()) {
      return nodes.stringNode(clean(node.stringValue()));
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong() || Math.abs(node.longValue()) > MAX_SAFE_INTEGER) {
        throw new IllegalArgumentException(path + " is " + node.asString()
            + ": beyond 2^53-1, JavaScript receivers cannot hold it exactly");
      }
      return nodes.numberNode(node.longValue());
    }
    if (node.isNumber()) {
      return number(node.doubleValue(), path);
    }
    return node;
  }

  private static JsonNode number(double value, String path) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return nodes.nullNode();
    }
    if (Math.abs(value) > MAX_SAFE_INTEGER) {
      throw new IllegalArgumentException(path + " is " + value
          + ": beyond 2^53-1, JavaScript receivers cannot hold it exactly");
    }
    if (value == Math.rint(value)) {
      return nodes.numberNode((long) value);
    }
    return nodes.rawValueNode(new RawValue(ecmaScript(value)));
  }

  /**
   * ECMAScript's Number::toString for a finite fractional value (ECMA-262 §6.1.6.1.20). Written by hand because no
   * library prints numbers the JavaScript way; the digits come from Jackson's Schubfach writer, which gives the
   * shortest decimal that reads back as the same double (Java 17's Double.toString does not always).
   */
  static String ecmaScript(double value) {
    BigDecimal shortest = new BigDecimal(NumberOutput.toString(value, true)).stripTrailingZeros();
    // Java's algorithm prints at least two digits (4.9E-324); ECMAScript's shortest may have one (5e-324).
    BigDecimal oneDigitShorter = shortest.round(new java.math.MathContext(
        Math.max(1, shortest.precision() - 1), java.math.RoundingMode.HALF_EVEN));
    if (oneDigitShorter.doubleValue() == value) {
      shortest = oneDigitShorter.stripTrailingZeros();
    }
    String sign = shortest.signum() < 0 ? "-" : "";
    String digits = shortest.unscaledValue().abs().toString();
    int k = digits.length();
    int n = k - shortest.scale(); // value = digits × 10^(n−k)
    StringBuilder out = new StringBuilder(sign);
    if (k <= n && n <= 21) {
      out.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      out.append('e').append(n - 1 >= 0 ? "+" : "-").append(Math.abs(n - 1));
    }
    return out.toString();
  }

  /** Replaces lone surrogates with U+FFFD; everything else is kept. */
  private static String clean(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean lone = Character.isHighSurrogate(c)
          ? i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
          : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
      if (lone && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(lone ? '\uFFFD' : c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** Reads canonical JSON back into a tree (for tests and the delivery list). */
  public static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
