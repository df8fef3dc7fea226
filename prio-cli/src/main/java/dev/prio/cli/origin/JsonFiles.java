package dev.prio.cli.origin;

import dev.prio.cli.CliException;
import dev.prio.cli.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Whole JSON files in and atomic text files out, with one-line errors. */
final class JsonFiles {
  private JsonFiles() {}

  static String readText(Path file) throws CliException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw CliException.failure(file + ": not valid UTF-8");
    } catch (NoSuchFileException e) {
      throw CliException.failure(file + ": no such file or directory");
    } catch (IOException e) {
      throw CliException.failure(file + ": cannot read: " + e.getClass().getSimpleName());
    }
  }

  /** One JSON document filling the file (Python's json.load). */
  static Object read(Path file) throws CliException {
    String text = readText(file);
    try {
      return JsonParser.parse(text);
    } catch (JsonParser.JsonException e) {
      throw CliException.failure(file + ": invalid JSON: " + e.getMessage());
    }
  }

  /** Writes through a temporary file beside the target, then renames it into place. */
  static void writeAtomically(Path target, String text) throws CliException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort
      }
      throw CliException.failure(target + ": cannot write: " + e.getClass().getSimpleName());
    }
  }
}
