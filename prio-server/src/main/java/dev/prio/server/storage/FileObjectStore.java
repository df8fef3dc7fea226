package dev.prio.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * {@code file:/path}: the embedded store for the demo and tests. Writes go to a temporary file and
 * are moved into place atomically; conditional writes hold an exclusive lock on a per-key lock file
 * under {@code .locks/} so two processes on one machine serialise, and data directories hold only
 * data. The generation is a hash of the object's content and length, which is all compare-and-set
 * needs here.
 */
public final class FileObjectStore implements ObjectStore {
  private static final String LOCKS = ".locks/";
  private final Path root;

  public FileObjectStore(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    Files.createDirectories(this.root);
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    Path base = resolve(prefix.contains("/") ? prefix.substring(0, prefix.lastIndexOf('/')) : "");
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(base)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(k -> k.startsWith(prefix) && !k.startsWith(LOCKS) && !k.contains("/.tmp-"))
          .sorted()
          .toList();
    }
  }

  @Override
  public Optional<InputStream> open(String key) throws IOException {
    try {
      return Optional.of(Files.newInputStream(resolve(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<InputStream> open(String key, long offset, long length) throws IOException {
    checkRange(offset, length);
    FileChannel ch;
    try {
      ch = FileChannel.open(resolve(key), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    ch.position(offset);
    return Optional.of(new BoundedInputStream(Channels.newInputStream(ch), length));
  }

  @Override
  public OptionalLong size(String key) throws IOException {
    try {
      return OptionalLong.of(Files.size(resolve(key)));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  static void checkRange(long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset and length must not be negative");
    }
  }

  @Override
  public Optional<StoredObject> read(String key) throws IOException {
    try {
      byte[] data = Files.readAllBytes(resolve(key));
      return Optional.of(new StoredObject(data, generation(data)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean createIfAbsent(String key, byte[] data) throws IOException {
    return locked(
        key,
        target -> {
          if (Files.exists(target)) {
            return false;
          }
          moveIntoPlace(target, data);
          return true;
        });
  }

  @Override
  public boolean compareAndSet(String key, long expectedGeneration, byte[] data)
      throws IOException {
    return locked(
        key,
        target -> {
          if (!Files.exists(target)
              || generation(Files.readAllBytes(target)) != expectedGeneration) {
            return false;
          }
          moveIntoPlace(target, data);
          return true;
        });
  }

  @Override
  public void delete(String key) throws IOException {
    locked(key, target -> Files.deleteIfExists(target));
  }

  @Override
  public String describe() {
    return "file:" + root;
  }

  static long generation(byte[] data) {
    long h = 1125899906842597L;
    for (byte b : data) {
      h = 31 * h + b;
    }
    return (h << 1 | 1) ^ ((long) data.length << 40);
  }

  private interface LockedWrite {
    boolean run(Path target) throws IOException;
  }

  private boolean locked(String key, LockedWrite write) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path lockFile =
        resolve(
            LOCKS
                + Long.toHexString(
                    generation(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                + ".lock");
    Files.createDirectories(lockFile.getParent());
    synchronized (FileObjectStore.class) {
      try (FileChannel ch =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        return write.run(target);
      }
    }
  }

  private static void moveIntoPlace(Path target, byte[] data) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
    try {
      Files.write(tmp, data);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (FileAlreadyExistsException e) {
      throw new IOException("concurrent write to " + target.getFileName(), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private Path resolve(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("key escapes the store root");
    }
    return p;
  }
}
