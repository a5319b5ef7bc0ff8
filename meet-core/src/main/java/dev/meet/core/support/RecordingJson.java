package dev.meet.core.support;

import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.CorruptRecordingException;
import dev.meet.core.storage.StorageException;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stored JSON documents of a recording, one format for every provider so that a bucket and a directory hold the
 * same bytes (and an operator can move recordings between them).
 *
 * <p>The metadata document is the public {@link Recording} object (absent fields for unknown values) plus the internal
 * field {@value #EGRESS_UPDATED_AT}; the secrets document is {@code {"publicSecret": ..., "privateSecret": ...}} and
 * lives under its own key, so no read of metadata can ever return a secret. Unknown fields are ignored on read, so an
 * older instance can read what a newer one wrote during a rolling upgrade. A document that cannot be read is a
 * {@link StorageException}: it is the store that is broken, not the caller's request.
 */
public final class RecordingJson {

  /** The internal metadata field that orders egress updates (LiveKit's {@code updatedAt}, ns). */
  public static final String EGRESS_UPDATED_AT = "egressUpdatedAt";

  /** The internal metadata field holding when the engine first stored the recording (ms). */
  public static final String CREATED_AT = "createdAt";

  /**
   * Larger documents are refused unread: a metadata document is a few hundred bytes, so anything this big is a foreign
   * object that must not exhaust the heap.
   */
  public static final int MAX_DOCUMENT_BYTES = 1024 * 1024;

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private RecordingJson() {}

  /** The metadata document of a recording. */
  public static byte[] writeMetadata(RecordingMetadata metadata) {
    Objects.requireNonNull(metadata, "metadata");
    try {
      ObjectNode document = MAPPER.valueToTree(metadata.recording());
      document.put(EGRESS_UPDATED_AT, metadata.egressUpdatedAt());
      if (metadata.createdAt() > 0) {
        document.put(CREATED_AT, metadata.createdAt());
      }
      return MAPPER.writeValueAsBytes(document);
    } catch (JacksonException e) {
      // Only a programming error can make a validated Recording unwritable.
      throw new IllegalStateException("could not write the metadata of " + metadata.recording().recordingId(), e);
    }
  }

  /**
   * Reads a metadata document.
   *
   * @param json the stored bytes
   * @param source where they came from (key or path), for the error message
   * @throws StorageException when the document is not valid metadata
   */
  public static RecordingMetadata readMetadata(byte[] json, String source) {
    Objects.requireNonNull(json, "json");
    requireSize(json, source);
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (!(tree instanceof ObjectNode document)) {
        throw new CorruptRecordingException("corrupt recording metadata in " + source + ": not a JSON object");
      }
      long egressUpdatedAt = internalNumber(document, EGRESS_UPDATED_AT, source);
      long createdAt = internalNumber(document, CREATED_AT, source);
      return new RecordingMetadata(MAPPER.treeToValue(document, Recording.class), egressUpdatedAt, createdAt);
    } catch (JacksonException | IllegalArgumentException e) {
      throw new CorruptRecordingException("corrupt recording metadata in " + source + ": " + reason(e), e);
    }
  }

  /**
   * Reads a metadata document stored for {@code id}, and checks that it describes that recording: a document copied
   * to the wrong key must not pass for another recording.
   *
   * @throws StorageException when the document is not valid metadata of {@code id}
   */
  public static RecordingMetadata readMetadata(byte[] json, String source, RecordingId id) {
    RecordingMetadata metadata = readMetadata(json, source);
    if (!metadata.recording().recordingId().equals(id.toString())) {
      throw new CorruptRecordingException("corrupt recording metadata in " + source + ": it describes recording "
          + metadata.recording().recordingId());
    }
    return metadata;
  }

  /** The secrets document. */
  public static byte[] writeSecrets(RecordingSecrets secrets) {
    Objects.requireNonNull(secrets, "secrets");
    try {
      return MAPPER.writeValueAsBytes(secrets);
    } catch (JacksonException e) {
      throw new IllegalStateException("could not write recording secrets", e);
    }
  }

  /**
   * Reads a secrets document.
   *
   * @param json the stored bytes
   * @param source where they came from (key or path), for the error message
   * @throws StorageException when the document is not valid secrets; its message never quotes the document
   */
  public static RecordingSecrets readSecrets(byte[] json, String source) {
    Objects.requireNonNull(json, "json");
    requireSize(json, source);
    try {
      RecordingSecrets secrets = MAPPER.readValue(json, RecordingSecrets.class);
      if (secrets == null) {
        throw new CorruptRecordingException("corrupt recording secrets in " + source + ": null");
      }
      return secrets;
    } catch (JacksonException | IllegalArgumentException e) {
      // The parser's message may quote the document, which holds secrets: keep it out of the message.
      throw new CorruptRecordingException("corrupt recording secrets in " + source, e);
    }
  }

  /** Removes an internal field from the document and returns it, 0 when absent. */
  private static long internalNumber(ObjectNode document, String field, String source) {
    JsonNode value = document.remove(field);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
      throw new CorruptRecordingException("corrupt recording metadata in " + source + ": " + field
          + " must be a non-negative integer");
    }
    return value.longValue();
  }

  /** The problem without the parser's location lines: the message stays one line in an operator's log. */
  private static String reason(RuntimeException e) {
    String message = e instanceof JacksonException jackson ? jackson.getOriginalMessage() : e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message.replaceAll("\\s+", " ").strip();
  }

  private static void requireSize(byte[] json, String source) {
    if (json.length > MAX_DOCUMENT_BYTES) {
      throw new CorruptRecordingException("corrupt recording document in " + source + ": " + json.length
          + " bytes, more than " + MAX_DOCUMENT_BYTES);
    }
  }
}
