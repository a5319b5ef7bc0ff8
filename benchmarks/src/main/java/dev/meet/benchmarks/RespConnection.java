package dev.meet.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One blocking socket speaking RESP2 to Redis, with no client library at all.
 *
 * <p>Hand-written on purpose: it is the physical floor of the lock benchmark (what the two commands of a lock cycle
 * cost when nothing but a socket stands between the JVM and Redis), and it reads {@code INFO commandstats} to count
 * the commands a benchmark really sent. Not thread-safe: one connection per thread.
 */
final class RespConnection implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RespConnection(String redisUri) {
    URI uri = URI.create(redisUri);
    try {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 5_000);
      socket.setSoTimeout(10_000);
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      String userInfo = uri.getUserInfo();
      if (userInfo != null && !userInfo.isEmpty()) {
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
          call("AUTH", userInfo);
        } else if (colon == 0) {
          call("AUTH", userInfo.substring(1));
        } else {
          call("AUTH", userInfo.substring(0, colon), userInfo.substring(colon + 1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort(), e);
    }
  }

  /**
   * One command, one reply: {@code String} for simple and bulk strings, {@code Long} for integers, {@code List} for
   * arrays, null for nil.
   *
   * @throws IllegalStateException when Redis answers with an error
   */
  @Nullable Object call(String... args) {
    send(args);
    return read();
  }

  /** Sends a command without reading its reply (pipelining); {@link #read()} later. */
  void send(String... args) {
    try {
      writeArrayHeader(args.length);
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        out.write('$');
        writeNumber(bytes.length);
        out.write(bytes);
        out.write('\r');
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Flushes what {@link #send} buffered and reads one reply. */
  @Nullable Object read() {
    try {
      out.flush();
      return readReply();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The number of commands Redis has executed since start, from {@code INFO commandstats}, minus INFO itself. */
  long commandsExecuted() {
    String info = (String) call("INFO", "commandstats");
    long total = 0;
    if (info == null) {
      return total;
    }
    for (String line : info.split("\r\n")) {
      if (!line.startsWith("cmdstat_") || line.startsWith("cmdstat_info:")) {
        continue;
      }
      int calls = line.indexOf("calls=");
      int end = line.indexOf(',', calls);
      total += Long.parseLong(line.substring(calls + 6, end));
    }
    return total;
  }

  private void writeArrayHeader(int length) throws IOException {
    out.write('*');
    writeNumber(length);
  }

  private void writeNumber(long value) throws IOException {
    out.write(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    out.write('\r');
    out.write('\n');
  }

  private @Nullable Object readReply() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("Redis closed the connection");
    }
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("Redis answered an error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length);
        in.readNBytes(2);
        return new String(bytes, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<@Nullable Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(readReply());
        }
        return items;
      }
      default:
        throw new IllegalStateException("not a RESP reply type: " + (char) type);
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder(16);
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new EOFException("Redis closed the connection");
      }
      line.append((char) c);
    }
    in.read();
    return line.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a benchmark's connection: nothing to do
    }
  }
}
