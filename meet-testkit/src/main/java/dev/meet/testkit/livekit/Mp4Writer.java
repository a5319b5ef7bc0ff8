package dev.meet.testkit.livekit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.Brand;
import org.jcodec.containers.mp4.muxer.MP4Muxer;

/**
 * Writes the media of an emulated egress: a real H.264 MP4 ({@code isom} brand) that players, {@code ffprobe} and
 * users' own checks accept, lasting the recording's duration.
 *
 * <p>A recording of any length costs the same: at most {@value #MAX_FRAMES} small frames of a bar sliding across the
 * picture (so it is a real video, not one still image), each shown as long as it takes for the frames to add up to the
 * requested duration, to the millisecond. The frames are encoded once per JVM and then only re-muxed, so the emulator
 * can complete many egresses per test without spending seconds in a pure-Java encoder each time.
 */
final class Mp4Writer {

  static final int WIDTH = 320;
  static final int HEIGHT = 180;
  static final int MAX_FRAMES = 60;

  /** One frame at 25 fps: the shortest file written (a recording stopped at once still yields one frame). */
  static final Duration MIN_DURATION = Duration.ofMillis(40);

  /**
   * The longest recording written: sample times are kept in milliseconds, and jcodec stores them in 32-bit fields.
   */
  static final Duration MAX_DURATION = Duration.ofMillis(Integer.MAX_VALUE);

  private static final int TIMESCALE = 1000;
  private static final int BAR_WIDTH = 32;
  private static final int BAR_STEP = 4;
  /** Room for ftyp, the mdat header and moov (a few hundred bytes per frame at most). */
  private static final int CONTAINER_SLACK = 64 * 1024;

  private Mp4Writer() {}

  /**
   * Writes the MP4 to {@code file}, replacing it if it exists.
   *
   * @return the file's size in bytes
   * @throws IllegalArgumentException if {@code duration} is negative or longer than {@link #MAX_DURATION}
   */
  static long write(Path file, Duration duration) throws IOException {
    Objects.requireNonNull(file, "file");
    byte[] mp4 = encode(duration);
    Files.write(file, mp4);
    return mp4.length;
  }

  /**
   * Encodes the MP4 in memory (a few tens of kilobytes whatever the duration).
   *
   * @throws IllegalArgumentException if {@code duration} is negative or longer than {@link #MAX_DURATION}
   */
  static byte[] encode(Duration duration) {
    long millis = effectiveDuration(duration).toMillis();
    int frames = frameCount(millis);
    List<EncodedFrame> source = Frames.SEQUENCE.subList(0, frames);
    int capacity = CONTAINER_SLACK;
    for (EncodedFrame frame : source) {
      capacity += frame.data.length;
    }
    ByteBufferSeekableByteChannel out = ByteBufferSeekableByteChannel.writeToByteBuffer(ByteBuffer.allocate(capacity));
    try {
      MP4Muxer muxer = MP4Muxer.createMP4Muxer(out, Brand.MP4);
      MuxerTrack track =
          muxer.addVideoTrack(
              Codec.H264, VideoCodecMeta.createSimpleVideoCodecMeta(new Size(WIDTH, HEIGHT), ColorSpace.YUV420J));
      for (int i = 0; i < frames; i++) {
        EncodedFrame frame = source.get(i);
        // Spreading the rounding over the frames makes them add up to exactly `millis`.
        long pts = i * millis / frames;
        long next = (i + 1) * millis / frames;
        // The muxer rewrites the packet in place (strips SPS/PPS, length-prefixes NAL units): hand it a copy.
        track.addFrame(
            Packet.createPacket(
                ByteBuffer.wrap(frame.data.clone()),
                pts,
                TIMESCALE,
                next - pts,
                i,
                frame.keyFrame ? Packet.FrameType.KEY : Packet.FrameType.INTER,
                null));
      }
      muxer.finish();
    } catch (IOException e) {
      // Only an in-memory channel is involved: this would be a sizing bug, not an I/O condition.
      throw new UncheckedIOException("could not mux the MP4 in memory", e);
    }
    ByteBuffer contents = out.getContents();
    if (contents.remaining() >= capacity) {
      // jcodec's in-memory channel drops what does not fit instead of failing.
      throw new IllegalStateException("the MP4 did not fit in " + capacity + " bytes");
    }
    byte[] mp4 = new byte[contents.remaining()];
    contents.get(mp4);
    return mp4;
  }

  /** The duration the written file has: {@code requested} to the millisecond, at least {@link #MIN_DURATION}. */
  static Duration effectiveDuration(Duration requested) {
    Objects.requireNonNull(requested, "duration");
    if (requested.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + requested);
    }
    if (requested.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("duration must be at most " + MAX_DURATION + ", was " + requested);
    }
    Duration millis = Duration.ofMillis(requested.toMillis());
    return millis.compareTo(MIN_DURATION) < 0 ? MIN_DURATION : millis;
  }

  /** About 25 fps for short recordings, never more than {@link #MAX_FRAMES} frames. */
  static int frameCount(long millis) {
    long frames = (millis + MIN_DURATION.toMillis() - 1) / MIN_DURATION.toMillis();
    return (int) Math.max(1, Math.min(MAX_FRAMES, frames));
  }

  /** One H.264 access unit in Annex B form, as the encoder produced it (SPS/PPS included on key frames). */
  private record EncodedFrame(byte[] data, boolean keyFrame) {}

  /**
   * The frames of the longest sequence, encoded on first use. Frame {@code i} does not depend on how many frames a file
   * has, so every file's frames are a prefix of this sequence and remain a valid H.264 stream.
   */
  private static final class Frames {
    static final List<EncodedFrame> SEQUENCE = encodeSequence();

    private static List<EncodedFrame> encodeSequence() {
      H264Encoder encoder = H264Encoder.createH264Encoder();
      Picture picture = Picture.create(WIDTH, HEIGHT, ColorSpace.YUV420J);
      // jcodec stores 8-bit samples shifted by -128: 0 is mid-grey, neutral chroma.
      Arrays.fill(picture.getPlaneData(1), (byte) 0);
      Arrays.fill(picture.getPlaneData(2), (byte) 0);
      ByteBuffer buffer = ByteBuffer.allocate(WIDTH * HEIGHT * 3);
      List<EncodedFrame> frames = new ArrayList<>(MAX_FRAMES);
      for (int i = 0; i < MAX_FRAMES; i++) {
        drawBar(picture.getPlaneData(0), i * BAR_STEP % (WIDTH - BAR_WIDTH));
        buffer.clear();
        VideoEncoder.EncodedFrame encoded = encoder.encodeFrame(picture, buffer);
        ByteBuffer data = encoded.getData();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        frames.add(new EncodedFrame(bytes, encoded.isKeyFrame()));
      }
      return List.copyOf(frames);
    }

    private static void drawBar(byte[] luma, int left) {
      Arrays.fill(luma, (byte) (16 - 128));
      for (int row = 0; row < HEIGHT; row++) {
        Arrays.fill(luma, row * WIDTH + left, row * WIDTH + left + BAR_WIDTH, (byte) (235 - 128));
      }
    }
  }
}
