package dev.meet.app.recordings;

import dev.meet.app.rooms.Room;
import dev.meet.app.rooms.RoomService;
import dev.meet.app.rooms.RoomController.Pagination;
import dev.meet.app.web.ApiError;
import dev.meet.app.web.ApiException;
import dev.meet.app.web.ApiKeyFilter;
import dev.meet.app.web.Params;
import dev.meet.app.web.PublicUrls;
import dev.meet.core.BulkDeleteResult;
import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.RecordingStatus;
import dev.meet.core.RoomIds;
import dev.meet.core.StartOptions;
import dev.meet.core.storage.ByteRange;
import dev.meet.core.storage.MediaContent;
import dev.meet.core.storage.RecordingSecrets;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/** {@code {base}/api/v1/recordings}: OpenVidu Meet's recordings API over the recording manager. */
@RestController
@RequestMapping("${meet.backend.api-prefix:/meet/api/v1}/recordings")
@Tag(name = "Recordings")
@SecurityRequirement(name = "apiKey")
public class RecordingController {

  private static final Logger log = LoggerFactory.getLogger(RecordingController.class);
  private static final Set<String> MATCH_MODES = Set.of("exact", "prefix", "partial", "regex");
  private static final Set<String> SORT_FIELDS = Set.of("startDate", "roomName", "duration", "size");
  private static final Set<String> SORT_ORDERS = Set.of("asc", "desc");
  private static final MediaType MP4 = MediaType.parseMediaType("video/mp4");

  private final RecordingManager recordings;
  private final RoomService rooms;
  private final RecordingListing listing;
  private final PublicUrls urls;
  private final JsonMapper json;

  private final StopGuard stopGuard;

  public RecordingController(RecordingManager recordings, RoomService rooms, PublicUrls urls, JsonMapper json,
      StopGuard stopGuard) {
    this.recordings = recordings;
    this.stopGuard = stopGuard;
    this.rooms = rooms;
    this.listing = new RecordingListing(recordings);
    this.urls = urls;
    this.json = json;
  }

  // ------------------------------------------------------------------------------------------ start and stop

  @Operation(summary = "Start recording a room; answers once the recording is active")
  @ApiResponse(responseCode = "201", description = "The recording (status active); Location names it",
      content = @Content(schema = @Schema(implementation = Recording.class)))
  @ApiResponse(responseCode = "400", description = "Malformed JSON",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "403", description = "Recording is disabled for room 'x'",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "404", description = "Room 'x' does not exist",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "409", description = "Room 'x' is already being recorded / has no participants",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "413", description = "Body over 64 KiB",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "415", description = "Body not JSON",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @Parameter(name = "X-Fields", in = ParameterIn.HEADER, description = "fields to return, comma-separated")
  @PostMapping(consumes = "application/json")
  public CompletableFuture<ResponseEntity<Object>> start(@RequestBody(required = false) @Nullable StartRecordingRequest body,
      @RequestParam(required = false) @Nullable String fields,
      @RequestHeader(name = "X-Fields", required = false) @Nullable String xFields) {
    if (body == null || body.roomId() == null || body.roomId().isBlank()) {
      throw ApiException.invalid("roomId", "roomId is required and cannot be empty");
    }
    String roomId = body.roomId().strip();
    if (!RoomIds.isValid(roomId)) {
      throw ApiException.invalid("roomId", "roomId must be letters, digits, '_' or '-' (at most 100)");
    }
    Room room = rooms.get(roomId);
    StartRecordingRequest.Config config = body.config();
    StartOptions options;
    try {
      options = new StartOptions(
          config == null || config.layout() == null ? room.config().recording().layout() : config.layout(),
          config == null || config.encoding() == null ? room.config().recording().encoding() : config.encoding());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("config.layout", String.valueOf(e.getMessage()));
    }
    Projection projection = Projection.of(fields, xFields, json);
    String location = urls.api() + "/recordings/";
    return recordings.startAsync(roomId, options).thenApply(recording -> ResponseEntity
        .created(URI.create(location + recording.recordingId())).body(projection.apply(recording)));
  }

  @Operation(summary = "Stop a recording; it ends when LiveKit's egress has finished")
  @ApiResponse(responseCode = "202", description = "The recording (status ending); Location names it",
      content = @Content(schema = @Schema(implementation = Recording.class)))
  @ApiResponse(responseCode = "404", description = "Recording 'x' not found",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "409", description = "Already stopped / being stopped / cannot be stopped while starting",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @Parameter(name = "X-Fields", in = ParameterIn.HEADER, description = "fields to return, comma-separated")
  @PostMapping("/{recordingId}/stop")
  public ResponseEntity<Object> stop(@PathVariable String recordingId,
      @RequestParam(required = false) @Nullable String fields,
      @RequestHeader(name = "X-Fields", required = false) @Nullable String xFields) {
    String id = recordingId.strip();
    try {
      dev.meet.core.RecordingId.parse(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("recordingId", String.valueOf(e.getMessage()));
    }
    boolean first;
    try {
      first = stopGuard.begin(id);
    } catch (RuntimeException e) {
      throw new ApiException(503, "Redis Error", "Cannot stop recording '" + id + "': Redis is unavailable");
    }
    if (!first) {
      throw new ApiException(409, "Recording Error", "Recording '" + id + "' is already being stopped");
    }
    Recording recording;
    try {
      recording = recordings.stop(id);
    } finally {
      try {
        stopGuard.end(id);
      } catch (RuntimeException e) {
        log.warn("could not clear the stop marker recordingId={}: {} (it expires by itself)", id, e.getMessage());
      }
    }
    return ResponseEntity.accepted().location(URI.create(urls.api() + "/recordings/" + recording.recordingId()))
        .body(Projection.of(fields, xFields, json).apply(recording));
  }

  // ------------------------------------------------------------------------------------------ read

  @Operation(summary = "List recordings with filters, sorting and pages")
  @ApiResponse(responseCode = "200", description = "A page of recordings")
  @Parameter(name = "X-Fields", in = ParameterIn.HEADER, description = "fields to return, comma-separated")
  @GetMapping
  public RecordingList list(
      @RequestParam(required = false) @Nullable String roomId,
      @RequestParam(required = false) @Nullable String roomName,
      @Schema(allowableValues = {"exact", "prefix", "partial", "regex"}) @RequestParam(required = false)
      @Nullable String roomNameMatchMode,
      @RequestParam(required = false) @Nullable String roomNameCaseInsensitive,
      @Schema(allowableValues = {"starting", "active", "ending", "complete", "failed", "aborted", "limit_reached"})
      @RequestParam(required = false) @Nullable String status,
      @Schema(allowableValues = {"startDate", "roomName", "duration", "size"}) @RequestParam(required = false)
      @Nullable String sortField,
      @Schema(allowableValues = {"asc", "desc"}) @RequestParam(required = false) @Nullable String sortOrder,
      @RequestParam(required = false) @Nullable String maxItems,
      @RequestParam(required = false) @Nullable String nextPageToken,
      @RequestParam(required = false) @Nullable String fields,
      @RequestHeader(name = "X-Fields", required = false) @Nullable String xFields) {
    List<ApiException.FieldError> errors = new ArrayList<>();
    String room = blankToNull(roomId);
    if (room != null && !RoomIds.isValid(room)) {
      errors.add(new ApiException.FieldError("roomId", "roomId must be letters, digits, '_' or '-' (at most 100)"));
    }
    String mode = blankToNull(roomNameMatchMode) == null ? "exact" : roomNameMatchMode.strip();
    if (!MATCH_MODES.contains(mode)) {
      errors.add(new ApiException.FieldError("roomNameMatchMode",
          "roomNameMatchMode must be one of exact, prefix, partial, regex"));
    }
    RecordingStatus wantedStatus = null;
    if (blankToNull(status) != null) {
      try {
        wantedStatus = RecordingStatus.of(status.strip());
      } catch (IllegalArgumentException e) {
        errors.add(new ApiException.FieldError("status", String.valueOf(e.getMessage())));
      }
    }
    String sort = blankToNull(sortField) == null ? "startDate" : sortField.strip();
    if (!SORT_FIELDS.contains(sort)) {
      errors.add(new ApiException.FieldError("sortField", "sortField must be one of startDate, roomName, duration, "
          + "size"));
    }
    String order = blankToNull(sortOrder) == null ? "desc" : sortOrder.strip();
    if (!SORT_ORDERS.contains(order)) {
      errors.add(new ApiException.FieldError("sortOrder", "sortOrder must be asc or desc"));
    }
    int max = 0;
    try {
      max = Params.maxItems(maxItems);
    } catch (ApiException e) {
      errors.addAll(e.details());
    }
    boolean caseInsensitive = false;
    try {
      caseInsensitive = Params.bool(roomNameCaseInsensitive, "roomNameCaseInsensitive", false);
    } catch (ApiException e) {
      errors.addAll(e.details());
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    RecordingListing.Result result = listing.list(new RecordingListing.Query(room, blankToNull(roomName), mode,
        caseInsensitive, wantedStatus, sort, order, max, blankToNull(nextPageToken)));
    Projection projection = Projection.of(fields, xFields, json);
    return new RecordingList(result.recordings().stream().map(projection::apply).toList(),
        new Pagination(result.nextPageToken() != null, result.nextPageToken(), result.maxItems()));
  }

  @Operation(summary = "Get a recording (with the API key, or anonymously with its public recordingSecret)")
  @ApiResponse(responseCode = "200", description = "The recording",
      content = @Content(schema = @Schema(implementation = Recording.class)))
  @ApiResponse(responseCode = "400", description = "The recordingSecret is not this recording's",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "404", description = "Recording 'x' not found",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @Parameter(name = "X-Fields", in = ParameterIn.HEADER, description = "fields to return, comma-separated")
  @GetMapping("/{recordingId}")
  public Object get(@PathVariable String recordingId,
      @RequestParam(required = false) @Nullable String recordingSecret,
      @RequestParam(required = false) @Nullable String fields,
      @RequestHeader(name = "X-Fields", required = false) @Nullable String xFields, HttpServletRequest request) {
    checkSecret(recordingId, recordingSecret, request);
    Recording recording = recordings.get(recordingId).orElseThrow(() -> notFound(recordingId));
    return Projection.of(fields, xFields, json).apply(recording);
  }

  @Operation(summary = "An absolute URL that plays the recording, carrying its public or private secret")
  @ApiResponse(responseCode = "200", description = "{\"url\": ...}")
  @ApiResponse(responseCode = "404", description = "Recording 'x' not found",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @GetMapping("/{recordingId}/url")
  public Map<String, String> url(@PathVariable String recordingId,
      @RequestParam(required = false) @Nullable String privateAccess) {
    boolean privately = Params.bool(privateAccess, "privateAccess", false);
    RecordingSecrets secrets = recordings.secrets(recordingId).orElseThrow(() -> notFound(recordingId));
    String id = recordingId.strip();
    return Map.of("url", urls.api() + "/recordings/" + id + "/media?recordingSecret="
        + (privately ? secrets.privateSecret() : secrets.publicSecret()));
  }

  // ------------------------------------------------------------------------------------------ delete

  @Operation(summary = "Delete a stopped recording: metadata, secrets and media")
  @ApiResponse(responseCode = "200", description = "{\"message\": ...}")
  @ApiResponse(responseCode = "404", description = "Recording 'x' not found",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "409", description = "Recording 'x' is not stopped yet",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @DeleteMapping("/{recordingId}")
  public Map<String, String> delete(@PathVariable String recordingId) {
    recordings.delete(recordingId);
    return Map.of("message", "Recording '" + recordingId.strip() + "' deleted successfully");
  }

  @Operation(summary = "Delete many recordings; reports what was deleted and what failed")
  @ApiResponse(responseCode = "200", description = "All deleted",
      content = @Content(schema = @Schema(implementation = BulkDeletion.class)))
  @ApiResponse(responseCode = "400", description = "Some failed",
      content = @Content(schema = @Schema(implementation = BulkDeletion.class)))
  @DeleteMapping
  public ResponseEntity<BulkDeletion> deleteAll(@RequestParam(required = false) @Nullable String recordingIds) {
    List<String> ids = ids(recordingIds);
    BulkDeleteResult result = recordings.deleteAll(ids);
    if (result.allDeleted()) {
      return ResponseEntity.ok(new BulkDeletion("All recordings deleted successfully", result.deleted(), List.of()));
    }
    return ResponseEntity.badRequest().body(new BulkDeletion(result.failed().size()
        + " recording(s) could not be deleted", result.deleted(), result.failed()));
  }

  // ------------------------------------------------------------------------------------------ media

  @Operation(summary = "Stream the media (video/mp4), whole or a byte range; /download adds Content-Disposition: "
      + "attachment")
  @ApiResponse(responseCode = "200", description = "The whole file", content = @Content(mediaType = "video/mp4"))
  @ApiResponse(responseCode = "206", description = "The range asked for", content = @Content(mediaType = "video/mp4"))
  @ApiResponse(responseCode = "400", description = "The recordingSecret is not this recording's",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "404", description = "Recording 'x' not found",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "409", description = "Recording 'x' is not streamable",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "416", description = "Range not satisfiable; Content-Range: bytes */size",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @GetMapping({"/{recordingId}/media", "/{recordingId}/download"})
  public ResponseEntity<StreamingResponseBody> media(@PathVariable String recordingId,
      @RequestParam(required = false) @Nullable String recordingSecret,
      @RequestHeader(name = HttpHeaders.RANGE, required = false) @Nullable String range,
      @RequestHeader(name = HttpHeaders.IF_RANGE, required = false) @Nullable String ifRange,
      HttpServletRequest request) {
    boolean attachment = request.getRequestURI().endsWith("/download");
    return stream(recordingId, recordingSecret, range, ifRange, request, attachment);
  }

  @Operation(summary = "Download several recordings as one ZIP, streamed as it is written")
  @ApiResponse(responseCode = "200", description = "application/zip", content = @Content(mediaType = "application/zip"))
  @ApiResponse(responseCode = "400", description = "None of the recordings is available",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @GetMapping("/download")
  public ResponseEntity<StreamingResponseBody> zip(@RequestParam(required = false) @Nullable String recordingIds) {
    List<Recording> available = new ArrayList<>();
    for (String id : ids(recordingIds)) {
      try {
        recordings.get(id).filter(r -> r.status().isStreamable()).ifPresentOrElse(available::add,
            () -> log.info("zip download skips recordingId={}: not found or not complete", id.strip()));
      } catch (RecordingException e) {
        if (e.reason() != RecordingException.Reason.INVALID_ARGUMENT) {
          throw e;
        }
        log.info("zip download skips an invalid id: {}", e.getMessage());
      }
    }
    if (available.isEmpty()) {
      throw new ApiException(400, "Recording Error", "None of the provided recordings are available for ZIP download");
    }
    StreamingResponseBody body = out -> writeZip(available, out);
    return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/zip"))
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"recordings.zip\"").body(body);
  }

  /** Entries are written one after the other straight from storage; nothing is held beyond a copy buffer. */
  private void writeZip(List<Recording> available, OutputStream out) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    zip.setLevel(Deflater.NO_COMPRESSION); // MP4 is compressed already
    Set<String> names = new HashSet<>();
    for (Recording recording : available) {
      String name = Objects.requireNonNullElse(recording.filename(), recording.recordingId() + ".mp4");
      for (int n = 2; !names.add(name); n++) {
        name = n + "-" + name;
      }
      try (MediaContent media = recordings.openMedia(recording.recordingId(), null)) {
        zip.putNextEntry(new ZipEntry(name));
        media.stream().transferTo(zip);
        zip.closeEntry();
      } catch (RecordingException e) {
        log.warn("zip download: recording vanished recordingId={}: {}", recording.recordingId(), e.getMessage());
      }
    }
    zip.finish();
    zip.flush();
  }

  private ResponseEntity<StreamingResponseBody> stream(String recordingId, @Nullable String secret,
      @Nullable String rangeHeader, @Nullable String ifRange, HttpServletRequest request, boolean attachment) {
    checkSecret(recordingId, secret, request);
    Recording recording = recordings.get(recordingId).orElseThrow(() -> notFound(recordingId));
    String etag = "\"" + recording.recordingId() + "-" + recording.size() + "\"";
    ByteRange range = null;
    if (rangeHeader != null && rangeMayApply(ifRange, etag, recording.endDate())) {
      range = parseRange(rangeHeader);
    }
    MediaContent media = recordings.openMedia(recordingId, range);
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(range == null ? 200 : 206)
        .contentType(MP4)
        .contentLength(media.length())
        .header(HttpHeaders.ACCEPT_RANGES, "bytes")
        .eTag(etag);
    if (recording.endDate() != null) {
      answer.lastModified(recording.endDate());
    }
    if (range != null) {
      answer.header(HttpHeaders.CONTENT_RANGE, "bytes " + media.start() + "-" + media.end() + "/"
          + media.totalSize());
    }
    if (attachment) {
      answer.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\""
          + Objects.requireNonNullElse(recording.filename(), recording.recordingId() + ".mp4") + "\"");
    }
    return answer.body(out -> {
      try (MediaContent content = media; InputStream in = content.stream()) {
        in.transferTo(out);
      }
    });
  }

  /**
   * RFC 9110 If-Range: the range applies only when the validator still matches (a strong ETag, or the exact
   * Last-Modified date); otherwise the whole file is sent.
   */
  static boolean rangeMayApply(@Nullable String ifRange, String etag, @Nullable Long lastModified) {
    if (ifRange == null || ifRange.isBlank()) {
      return true;
    }
    String value = ifRange.strip();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      return value.equals(etag);
    }
    if (lastModified == null) {
      return false;
    }
    try {
      long asked = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().getEpochSecond();
      return asked == Instant.ofEpochMilli(lastModified).atZone(ZoneOffset.UTC).toEpochSecond();
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /**
   * {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n}, parsed by Spring's {@link HttpRange}; several ranges
   * are answered with the whole file (RFC 9110 allows ignoring Range), a malformed header is a 422.
   */
  static @Nullable ByteRange parseRange(String header) {
    List<HttpRange> ranges;
    try {
      ranges = HttpRange.parseRanges(header);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("Range", "Range must be bytes=start-end, bytes=start- or bytes=-suffix");
    }
    if (ranges.size() != 1) {
      return null;
    }
    // HttpRange exposes its bounds only against a length: its text form ("a-b", "a-", "-n") carries them as given.
    String spec = ranges.get(0).toString();
    int dash = spec.indexOf('-');
    String first = spec.substring(0, dash);
    String last = spec.substring(dash + 1);
    if (first.isEmpty()) {
      return ByteRange.suffix(Long.parseLong(last));
    }
    return last.isEmpty() ? ByteRange.from(Long.parseLong(first))
        : ByteRange.of(Long.parseLong(first), Long.parseLong(last));
  }

  // ------------------------------------------------------------------------------------------ helpers

  /**
   * A {@code recordingSecret} must be this recording's: the public one (anonymous reads allowed), or the private one
   * with the API key. Anything else is a 400, whether or not the API key came too.
   */
  private void checkSecret(String recordingId, @Nullable String secret, HttpServletRequest request) {
    boolean anonymous = Boolean.TRUE.equals(request.getAttribute(ApiKeyFilter.ANONYMOUS));
    if (secret == null) {
      return;
    }
    RecordingSecrets secrets = recordings.secrets(recordingId).orElseThrow(() -> notFound(recordingId));
    boolean valid = java.security.MessageDigest.isEqual(secret.getBytes(), secrets.publicSecret().getBytes())
        || (!anonymous && java.security.MessageDigest.isEqual(secret.getBytes(), secrets.privateSecret().getBytes()));
    if (!valid) {
      throw new ApiException(400, "Recording Error", "Provided secret is not recognized for recording '"
          + recordingId.strip() + "'");
    }
  }

  private static List<String> ids(@Nullable String recordingIds) {
    List<String> ids = recordingIds == null ? List.of() : Arrays.stream(recordingIds.split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (ids.isEmpty()) {
      throw ApiException.invalid("recordingIds", "recordingIds must contain at least one recording id");
    }
    return List.copyOf(new LinkedHashSet<>(ids));
  }

  private static ApiException notFound(String recordingId) {
    return new ApiException(404, "Recording Error", "Recording '" + recordingId.strip() + "' not found");
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** A page of recordings (each whole, or projected). */
  public record RecordingList(List<Object> recordings, Pagination pagination) {}

  /** The answer of a bulk delete. */
  public record BulkDeletion(String message, List<String> deleted, List<BulkDeleteResult.Failure> failed) {}
}
