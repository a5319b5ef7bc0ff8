package dev.meet.app.rooms;

import dev.meet.app.web.ApiError;
import dev.meet.app.web.ApiException;
import dev.meet.app.web.Params;
import dev.meet.app.web.PublicUrls;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code {base}/api/v1/rooms}: OpenVidu Meet's rooms, the part recordings need. */
@RestController
@RequestMapping("${meet.backend.api-prefix:/meet/api/v1}/rooms")
@Tag(name = "Rooms")
@SecurityRequirement(name = "apiKey")
public class RoomController {

  private final RoomService rooms;
  private final PublicUrls urls;

  public RoomController(RoomService rooms, PublicUrls urls) {
    this.rooms = rooms;
    this.urls = urls;
  }

  @Operation(summary = "Create a room (and its LiveKit room)")
  @ApiResponse(responseCode = "201", description = "The room; Location names it")
  @ApiResponse(responseCode = "400", description = "Malformed JSON",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "413", description = "Body over 64 KiB",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "415", description = "Body not JSON",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @PostMapping(consumes = "application/json")
  public ResponseEntity<RoomView> create(@RequestBody(required = false) @Nullable CreateRoomRequest request) {
    Room room = rooms.create(request == null ? new CreateRoomRequest(null, null, null, null) : request);
    return ResponseEntity.created(URI.create(urls.api() + "/rooms/" + room.roomId()))
        .body(RoomView.of(room, urls.base()));
  }

  @Operation(summary = "List rooms, in id order, a page at a time")
  @ApiResponse(responseCode = "200", description = "A page of rooms")
  @GetMapping
  public RoomList list(
      @RequestParam(required = false) @Nullable String maxItems,
      @RequestParam(required = false) @Nullable String nextPageToken) {
    int max = Params.maxItems(maxItems);
    RoomStore.Page page = rooms.list(max, nextPageToken == null || nextPageToken.isBlank() ? null : nextPageToken);
    String base = urls.base();
    return new RoomList(page.rooms().stream().map(r -> RoomView.of(r, base)).toList(),
        new Pagination(page.nextPageToken() != null, page.nextPageToken(), max));
  }

  @Operation(summary = "Get a room")
  @ApiResponse(responseCode = "200", description = "The room")
  @ApiResponse(responseCode = "404", description = "Room 'x' does not exist",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @GetMapping("/{roomId}")
  public RoomView get(@PathVariable String roomId) {
    return RoomView.of(rooms.get(roomId.strip()), urls.base());
  }

  @Operation(summary = "Delete a room, with policies for an active meeting and for recordings")
  @ApiResponse(responseCode = "200", description = "Deleted, or closed (room present)")
  @ApiResponse(responseCode = "202", description = "Scheduled for the end of the meeting")
  @ApiResponse(responseCode = "404", description = "Room 'x' does not exist",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(responseCode = "409", description = "A policy forbids it; error is the code, e.g. room_has_recordings",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @DeleteMapping("/{roomId}")
  public ResponseEntity<DeletionResult> delete(@PathVariable String roomId,
      @Schema(allowableValues = {"fail", "force", "when_meeting_ends"}) @RequestParam(required = false)
      @Nullable String withMeeting,
      @Schema(allowableValues = {"fail", "force", "close"}) @RequestParam(required = false)
      @Nullable String withRecordings) {
    Room.WithMeeting meeting = parse(withMeeting, "withMeeting", Room.WithMeeting.FAIL, Room.WithMeeting::of);
    Room.WithRecordings recordings = parse(withRecordings, "withRecordings", Room.WithRecordings.FAIL,
        Room.WithRecordings::of);
    DeletionResult result = rooms.delete(roomId.strip(), meeting, recordings, urls.base());
    return ResponseEntity.status(result.scheduled() ? 202 : 200).body(result);
  }

  private static <T> T parse(@Nullable String raw, String name, T fallback, java.util.function.Function<String, T> of) {
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return of.apply(raw.strip());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(name, String.valueOf(e.getMessage()));
    }
  }

  /** A page of rooms. */
  public record RoomList(List<RoomView> rooms, Pagination pagination) {}

  /** Pagination of a list answer. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Pagination(@com.fasterxml.jackson.annotation.JsonProperty("isTruncated") boolean isTruncated, @Nullable String nextPageToken, int maxItems) {}
}
