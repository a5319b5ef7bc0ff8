package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Mp4WriterTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(longs = {40, 1_000, 2_345, 10_000, 3_600_000})
  void fileLastsTheRequestedDuration(long millis) throws IOException {
    Path file = dir.resolve("recording.mp4");

    Mp4Writer.write(file, Duration.ofMillis(millis));

    assertThat(Boxes.movieDurationMillis(Files.readAllBytes(file))).isEqualTo(millis);
  }

  @Test
  void fileIsAnIsoMp4WithOneH264Track() throws IOException {
    Path file = dir.resolve("recording.mp4");

    long size = Mp4Writer.write(file, Duration.ofSeconds(10));

    byte[] mp4 = Files.readAllBytes(file);
    assertThat(size).isEqualTo(mp4.length);
    List<Boxes.Box> top = Boxes.children(mp4, 0, mp4.length);
    assertThat(top).extracting(Boxes.Box::type).contains("ftyp", "moov", "mdat");
    assertThat(top.get(0).type()).as("ftyp comes first").isEqualTo("ftyp");
    assertThat(Boxes.ascii(mp4, top.get(0).payload(), 4)).as("major brand").isEqualTo("isom");
    assertThat(Boxes.find(mp4, "mdat").payloadSize()).as("mdat payload").isGreaterThan(1_000);
    assertThat(Boxes.children(mp4, Boxes.find(mp4, "moov")))
        .filteredOn(box -> box.type().equals("trak"))
        .hasSize(1);
    Boxes.Box stsd = Boxes.find(mp4, "moov", "trak", "mdia", "minf", "stbl", "stsd");
    assertThat(Boxes.ascii(mp4, stsd.payload() + 12, 4)).as("sample entry").isEqualTo("avc1");
  }

  @Test
  void recordingStoppedAtOnceStillHasOneFrame() throws IOException {
    byte[] mp4 = Mp4Writer.encode(Duration.ZERO);

    assertThat(Boxes.sampleCount(mp4)).isEqualTo(1);
    assertThat(Boxes.movieDurationMillis(mp4)).isEqualTo(Mp4Writer.MIN_DURATION.toMillis());
  }

  @Test
  void shortRecordingsPlayAtAbout25FramesPerSecond() {
    byte[] mp4 = Mp4Writer.encode(Duration.ofSeconds(1));

    assertThat(Boxes.sampleCount(mp4)).isEqualTo(25);
  }

  @Test
  void anHourLongRecordingCostsNoMoreThanTenSeconds() {
    byte[] hour = Mp4Writer.encode(Duration.ofHours(1));
    byte[] tenSeconds = Mp4Writer.encode(Duration.ofSeconds(10));

    assertThat(Boxes.sampleCount(hour)).isEqualTo(Mp4Writer.MAX_FRAMES);
    assertThat(hour.length).isLessThan(tenSeconds.length + 1_024);
  }

  @Test
  void framesAreNotAllTheSame() throws Exception {
    Path file = dir.resolve("recording.mp4");
    Mp4Writer.write(file, Duration.ofSeconds(2));

    try (SeekableByteChannel channel = NIOUtils.readableChannel(file.toFile())) {
      FrameGrab grab = FrameGrab.createFrameGrab(channel);
      Picture first = grab.getNativeFrame();
      byte[] firstLuma = first.getPlaneData(0).clone();
      Picture later = first;
      for (int i = 0; i < 30; i++) {
        later = grab.getNativeFrame();
      }

      assertThat(first.getWidth()).isEqualTo(Mp4Writer.WIDTH);
      assertThat(later.getPlaneData(0)).isNotEqualTo(firstLuma);
    }
  }

  @Test
  void negativeDurationIsRejected() {
    assertThatThrownBy(() -> Mp4Writer.encode(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void durationBeyondWhatTheContainerHoldsIsRejected() {
    assertThatThrownBy(() -> Mp4Writer.encode(Mp4Writer.MAX_DURATION.plusMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most");
  }

  @Test
  void ffprobeSeesDecodableH264OfTheRequestedDuration() throws Exception {
    assumeTrue(onPath("ffprobe"), "ffprobe is not installed");
    Path file = dir.resolve("recording.mp4");
    Mp4Writer.write(file, Duration.ofMillis(10_500));

    Map<String, String> probe =
        ffprobe(
            "-count_frames",
            "-show_entries",
            "stream=codec_name,width,height,nb_read_frames:format=duration,format_name",
            file.toString());

    assertThat(probe)
        .containsEntry("codec_name", "h264")
        .containsEntry("width", "320")
        .containsEntry("height", "180")
        .containsEntry("nb_read_frames", "60")
        .containsEntry("duration", "10.500000");
    assertThat(probe.get("format_name")).contains("mp4");
  }

  private static Map<String, String> ffprobe(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error", "-of", "default=noprint_wrappers=1"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ffprobe finished").isTrue();
    assertThat(process.exitValue()).as("ffprobe exit status, output: %s", output).isZero();
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : output.split("\\R")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        values.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    return values;
  }

  private static boolean onPath(String executable) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String directory : path.split(File.pathSeparator)) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, executable))) {
        return true;
      }
    }
    return false;
  }

  /** A minimal ISO BMFF box reader: enough to check what players look at first. */
  static final class Boxes {

    record Box(String type, int start, int payload, int end) {
      int payloadSize() {
        return end - payload;
      }
    }

    static List<Box> children(byte[] data, Box parent) {
      return children(data, parent.payload(), parent.end());
    }

    static List<Box> children(byte[] data, int from, int to) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      List<Box> boxes = new ArrayList<>();
      int position = from;
      while (position + 8 <= to) {
        long size = Integer.toUnsignedLong(buffer.getInt(position));
        String type = ascii(data, position + 4, 4);
        int header = 8;
        if (size == 1) {
          size = buffer.getLong(position + 8);
          header = 16;
        } else if (size == 0) {
          size = to - position;
        }
        assertThat(size).as("size of box %s at %d", type, position).isBetween((long) header, (long) to - position);
        boxes.add(new Box(type, position, position + header, (int) (position + size)));
        position += (int) size;
      }
      assertThat(position).as("boxes fill their parent exactly").isEqualTo(to);
      return boxes;
    }

    /** The box at {@code path} of box types from the top level, e.g. {@code "moov", "mvhd"}. */
    static Box find(byte[] data, String... path) {
      Box found = new Box("file", 0, 0, data.length);
      for (String type : path) {
        found =
            children(data, found).stream()
                .filter(box -> box.type().equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " box in " + String.join("/", path)));
      }
      return found;
    }

    static long movieDurationMillis(byte[] data) {
      Box mvhd = find(data, "moov", "mvhd");
      ByteBuffer buffer = ByteBuffer.wrap(data);
      int version = data[mvhd.payload()];
      long timescale;
      long duration;
      if (version == 1) {
        timescale = Integer.toUnsignedLong(buffer.getInt(mvhd.payload() + 20));
        duration = buffer.getLong(mvhd.payload() + 24);
      } else {
        timescale = Integer.toUnsignedLong(buffer.getInt(mvhd.payload() + 12));
        duration = Integer.toUnsignedLong(buffer.getInt(mvhd.payload() + 16));
      }
      assertThat(timescale).as("mvhd timescale").isPositive();
      return Math.round(duration * 1000.0 / timescale);
    }

    static int sampleCount(byte[] data) {
      Box stsz = find(data, "moov", "trak", "mdia", "minf", "stbl", "stsz");
      return ByteBuffer.wrap(data).getInt(stsz.payload() + 8);
    }

    static String ascii(byte[] data, int offset, int length) {
      return new String(data, offset, length, StandardCharsets.US_ASCII);
    }
  }
}
