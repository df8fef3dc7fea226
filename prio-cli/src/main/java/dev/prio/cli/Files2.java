package dev.prio.cli;

import dev.prio.core.json.JsonParser;
import dev.prio.core.ndjson.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File access for the commands: strict UTF-8 in, atomic replace out, one-line errors. */
public final class Files2 {
  private Files2() {}

  /** Receives one parsed row of an ndjson file. */
  public interface RowHandler {
    void row(int lineNumber, Object value) throws CliException;
  }

  // Python's universal newlines, as commands.py reads its files: a line ends at \n, \r\n or \r.
  private static final LineReader PYTHON_LINES =
      new LineReader(LineReader.Ends.UNIVERSAL, false, Integer.MAX_VALUE - 16);

  /**
   * Each non-blank line of an ndjson file, parsed, in order (prio-core's {@link LineReader} splits
   * them). Every line must be UTF-8 and JSON; the first that is not stops the run, named by its
   * line number.
   */
  public static void forEachRow(Path file, RowHandler handler) throws CliException {
    try (InputStream in = Files.newInputStream(file)) {
      PYTHON_LINES.read(
          in,
          0,
          (bytes, length, offset, number) -> {
            String where = file + ":" + number;
            if (bytes == null) {
              throw CliException.failure(where + ": line too long");
            }
            String line;
            try {
              line = utf8(bytes, 0, length);
            } catch (CharacterCodingException e) {
              throw CliException.failure(where + ": not valid UTF-8");
            }
            if (line.isBlank()) {
              return;
            }
            Object value;
            try {
              value = JsonParser.parse(line);
            } catch (JsonParser.JsonException e) {
              throw CliException.failure(where + ": invalid JSON: " + e.getMessage());
            }
            handler.row(number, value);
          });
    } catch (IOException e) {
      throw ioError(file, e);
    }
  }

  /** A whole file as strict UTF-8. */
  public static String readText(Path file) throws CliException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return utf8(bytes, 0, bytes.length);
    } catch (CharacterCodingException e) {
      throw CliException.failure(file + ": not valid UTF-8");
    } catch (IOException e) {
      throw ioError(file, e);
    }
  }

  /** Strict UTF-8: a malformed or unmappable byte is an error, never a replacement character. */
  public static String utf8(byte[] bytes, int offset, int length) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes, offset, length))
        .toString();
  }

  /** A whole file holding one JSON document (Python's json.load). */
  public static Object readJson(Path file) throws CliException {
    String text = readText(file);
    try {
      return JsonParser.parse(text);
    } catch (JsonParser.JsonException e) {
      throw CliException.failure(file + ": invalid JSON: " + e.getMessage());
    }
  }

  /** A whole text file written through {@link AtomicOutput}, its directory made first. */
  public static void writeAtomically(Path target, String text) throws CliException {
    Path dir = target.toAbsolutePath().getParent();
    createDirectories(dir);
    try (AtomicOutput w = new AtomicOutput(target)) {
      w.write(text);
      w.commit();
    }
  }

  static CliException ioError(Path file, IOException e) {
    String what;
    if (e instanceof NoSuchFileException) {
      what = "no such file or directory";
    } else if (e instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (e instanceof NotDirectoryException) {
      what = "not a directory";
    } else if (e instanceof FileAlreadyExistsException) {
      what = "exists and is not a directory";
    } else if (Files.isDirectory(file)) {
      what = "is a directory";
    } else {
      what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    return CliException.failure(file + ": " + what);
  }

  /** mkdir -p, as os.makedirs(exist_ok=True). */
  static void createDirectories(Path dir) throws CliException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw ioError(dir, e);
    }
  }

  /**
   * Writes {@code target} through a temporary file in the same directory, moved into place on
   * {@link #commit()}: a failed command leaves no half-written output, and an output that
   * overwrites its own input (same directory) still works, as in prio-processor which reads the
   * whole input first.
   */
  /** Puts a finished temporary file in place of {@code target}, atomically where possible. */
  static void moveInto(Path temp, Path target) throws CliException {
    try {
      if (Files.isDirectory(target)) {
        throw CliException.failure(target + ": is a directory");
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw ioError(target, e);
    }
  }

  /** A hidden temporary name beside {@code target}, so a half-written file is never input. */
  static Path tempBeside(Path target) {
    return target
        .toAbsolutePath()
        .getParent()
        .resolve("." + target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
  }

  static final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final Writer writer;
    private boolean committed;

    AtomicOutput(Path target) throws CliException {
      this.target = target;
      Path dir = target.toAbsolutePath().getParent();
      try {
        // Not createTempFile: that makes the file 0600, where Python's open() honours the umask.
        this.temp = tempBeside(target);
        this.writer =
            Files.newBufferedWriter(
                temp,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw ioError(dir, e);
      }
    }

    void write(String s) throws CliException {
      try {
        writer.write(s);
      } catch (IOException e) {
        throw ioError(target, e);
      }
    }

    void commit() throws CliException {
      try {
        writer.close();
      } catch (IOException e) {
        throw ioError(target, e);
      }
      moveInto(temp, target);
      committed = true;
    }

    @Override
    public void close() {
      if (!committed) {
        try {
          writer.close();
        } catch (IOException ignored) {
          // best effort: the temporary file is deleted next
        }
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }
}
