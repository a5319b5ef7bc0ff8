package dev.meet.app.rooms;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rooms as files under a directory, with the bucket's layout: the embedded single-instance setup. Writes go to a
 * temporary file and are moved into place, so a crash never leaves half a room. One process uses the directory.
 */
public final class LocalRoomStore implements RoomStore {

  private final Path base;
  private final RoomKeys keys;
  private final JsonMapper json;
  private final Object lock = new Object();

  public LocalRoomStore(Path baseDirectory, String prefix, JsonMapper json) {
    this.base = baseDirectory.toAbsolutePath().normalize();
    this.keys = new RoomKeys(prefix);
    this.json = json;
  }

  @Override
  public boolean create(Room room) {
    synchronized (lock) {
      Path file = path(keys.roomKey(room.roomId()));
      if (Files.exists(file)) {
        return false;
      }
      write(file, json.writeValueAsBytes(room));
      return true;
    }
  }

  @Override
  public Optional<Versioned> find(String roomId) {
    synchronized (lock) {
      return read(path(keys.roomKey(roomId)));
    }
  }

  @Override
  public boolean replace(Versioned current, Room next) {
    synchronized (lock) {
      Path file = path(keys.roomKey(next.roomId()));
      Optional<Versioned> now = read(file);
      if (now.isEmpty() || !now.get().version().equals(current.version())) {
        return false;
      }
      write(file, json.writeValueAsBytes(next));
      return true;
    }
  }

  @Override
  public void delete(String roomId) {
    synchronized (lock) {
      Path file = path(keys.roomKey(roomId));
      try {
        Files.deleteIfExists(file);
        try {
          Files.deleteIfExists(file.getParent());
        } catch (java.nio.file.DirectoryNotEmptyException keep) {
          // something else lives there: leave it
        }
      } catch (IOException e) {
        throw new RoomStoreException("cannot delete room " + roomId + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public Page list(int maxItems, @Nullable String pageToken) {
    String after = pageToken == null ? null : RoomKeys.roomIdOfToken(pageToken);
    synchronized (lock) {
      TreeSet<String> ids = new TreeSet<>();
      Path rooms = path(keys.roomsPrefix());
      if (Files.isDirectory(rooms)) {
        try (Stream<Path> dirs = Files.list(rooms)) {
          dirs.forEach(dir -> {
            String id = dir.getFileName().toString();
            String key = keys.roomsPrefix() + id + "/" + id + ".json";
            if (keys.roomIdOf(key) != null && Files.isRegularFile(path(key))) {
              ids.add(id);
            }
          });
        } catch (IOException e) {
          throw new RoomStoreException("cannot list rooms: " + e.getMessage(), e);
        }
      }
      List<Room> page = new ArrayList<>();
      String last = null;
      boolean more = false;
      for (String id : after == null ? ids : ids.tailSet(after, false)) {
        if (page.size() == maxItems) {
          more = true;
          break;
        }
        Optional<Versioned> room = read(path(keys.roomKey(id)));
        if (room.isPresent()) {
          page.add(room.get().room());
          last = id;
        }
      }
      return new Page(page, more && last != null ? RoomKeys.token(last) : null);
    }
  }

  @Override
  public void markPurge(String roomId) {
    synchronized (lock) {
      write(path(keys.purgeKey(roomId)), new byte[0]);
    }
  }

  @Override
  public List<String> purgeMarks() {
    synchronized (lock) {
      Path dir = path(keys.purgePrefix());
      if (!Files.isDirectory(dir)) {
        return List.of();
      }
      try (Stream<Path> files = Files.list(dir)) {
        return files.map(f -> f.getFileName().toString()).filter(dev.meet.core.RoomIds::isValid).sorted().toList();
      } catch (IOException e) {
        throw new RoomStoreException("cannot list purge marks: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void clearPurge(String roomId) {
    synchronized (lock) {
      try {
        Files.deleteIfExists(path(keys.purgeKey(roomId)));
      } catch (IOException e) {
        throw new RoomStoreException("cannot clear the purge mark of " + roomId + ": " + e.getMessage(), e);
      }
    }
  }

  private Path path(String key) {
    Path path = base.resolve(key).normalize();
    if (!path.startsWith(base)) {
      throw new IllegalArgumentException("key escapes the directory: " + key);
    }
    return path;
  }

  private Optional<Versioned> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new RoomStoreException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
    }
    try {
      return Optional.of(new Versioned(json.readValue(bytes, Room.class), digest(bytes)));
    } catch (JacksonException e) {
      throw new CorruptRoomException("room file " + file + " is not a room: " + e.getOriginalMessage(), e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), ".room-", ".tmp");
      Files.write(temp, bytes);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new RoomStoreException("cannot write " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
