package dev.prio.cli.origin;

import dev.prio.cli.CliException;
import dev.prio.cli.Files2;
import dev.prio.cli.Values;
import dev.prio.core.ndjson.LineReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The ping files of {@code prio stage}: each {@code --input} is a file or a directory searched
 * recursively (names starting with {@code .} or {@code _}, such as {@code _SUCCESS}, are skipped),
 * taken in path order so that staging the same input twice assigns the same ids. A file is read
 * line by line; gzip is detected by its magic bytes.
 */
final class InputFiles {
  private InputFiles() {}

  /** What a line handler receives: the text, or null if it is too long or not UTF-8. */
  interface LineHandler {
    void line(int number, String text, boolean tooLong) throws CliException;
  }

  static List<Path> list(List<String> inputs) throws CliException {
    List<Path> files = new ArrayList<>();
    for (String input : inputs) {
      Path p = Values.path(input, "--input");
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile).filter(f -> !hidden(p, f)).sorted().forEach(files::add);
        } catch (IOException e) {
          throw CliException.failure(p + ": cannot list: " + e.getClass().getSimpleName());
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw CliException.failure(p + ": no such file or directory");
      }
    }
    return files;
  }

  private static boolean hidden(Path dir, Path file) {
    for (Path part : dir.relativize(file)) {
      String n = part.toString();
      if (n.startsWith(".") || n.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Calls the handler for each non-blank line, split by prio-core's {@link LineReader} (at {@code
   * \n}; a {@code \r} before it is JSON white space to the ping parser). A line over {@code
   * maxLineBytes} is reported as too long without being buffered whole. An unreadable file stops
   * the run: staging part of a file would lose data without saying so.
   */
  static void forEachLine(Path file, int maxLineBytes, LineHandler handler) throws CliException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
      new LineReader(LineReader.Ends.LF, false, maxLineBytes)
          .read(
              in,
              0,
              (bytes, length, offset, number) -> {
                if (bytes == null) {
                  handler.line(number, null, true);
                  return;
                }
                String text;
                try {
                  text = Files2.utf8(bytes, 0, length);
                } catch (CharacterCodingException e) {
                  handler.line(number, null, false);
                  return;
                }
                if (!text.isBlank()) {
                  handler.line(number, text, false);
                }
              });
    } catch (NoSuchFileException e) {
      throw CliException.failure(file + ": no such file or directory");
    } catch (IOException e) {
      throw CliException.failure(
          file
              + ": cannot read: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + Values.printable(e.getMessage())));
    }
  }
}
