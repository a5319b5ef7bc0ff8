package dev.meet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordingIdTest {

  @ParameterizedTest(name = "room id {0}")
  @ValueSource(strings = {"room", "room-", "-room", "-", "_", "-_-", "a-b-", "-a-b", "a_-", "_-_-_-", "r-o-o-m-",
      "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"})
  void everyValidRoomIdRoundTripsThroughTheRecordingId(String roomId) {
    assertThat(RoomIds.isValid(roomId)).isTrue();
    RecordingId id = new RecordingId(roomId, "EG_abc123", "0123456789");

    RecordingId parsed = RecordingId.parse(id.toString());

    assertThat(parsed).isEqualTo(id);
    assertThat(parsed.roomId()).isEqualTo(roomId);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"", "--", "----", "room--EG_x", "room--EG_x--", "--EG_x--0123456789", "room----0123456789",
      "room--notegress--0123456789", "room--EG_x--0123456789--more", "room---0123456789", "a---b",
      "ro--om--EG_x--0123456789", "room--EG_x--012345678g"})
  void malformedRecordingIdsAreRejectedWithAMessageNamingTheShape(String text) {
    assertThatThrownBy(() -> RecordingId.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("(?s).*(recordingId|egressId|uid|roomId).*");
  }
}
