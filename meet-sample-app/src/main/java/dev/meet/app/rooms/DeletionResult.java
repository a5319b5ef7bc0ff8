package dev.meet.app.rooms;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The answer of a room deletion, as OpenVidu Meet writes it; 202 when the action waits for the meeting's end.
 *
 * @param successCode what was done, e.g. {@code room_deleted}, {@code room_closed}
 * @param message the same for people
 * @param room the room when it still exists (closed, or its deletion scheduled)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "RoomDeletion", example = "{\"successCode\":\"room_deleted\",\"message\":\"Room 'room-123' deleted "
    + "successfully\"}")
public record DeletionResult(String successCode, String message, @Nullable RoomView room,
    @JsonIgnore boolean scheduled) {}
