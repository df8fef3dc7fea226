package dev.prio.cli;

import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of prio-processor's ndjson files as commands.py reads them, and the files the commands
 * write.
 */
final class Rows {
  private Rows() {}

  static void writeWhole(Path dir, Path name, String content) throws CliException {
    Files2.createDirectories(dir);
    try (Files2.AtomicOutput w = new Files2.AtomicOutput(dir.resolve(name))) {
      w.write(content);
      w.commit();
    }
  }

  static Path fileName(Path input) throws CliException {
    Path name = input.getFileName();
    if (name == null) {
      throw CliException.failure(input + ": not a file name");
    }
    return name;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Path file, int line, Object row) throws CliException {
    if (!(row instanceof Map<?, ?>)) {
      throw CliException.failure(file + ":" + line + ": expected a JSON object");
    }
    return (Map<String, Object>) row;
  }

  /**
   * id → payload of a peer file, as commands.py's dict: a repeated id keeps its last payload. Ids
   * are told apart by their JSON text, so "1" and 1 are different ids, as in Python.
   */
  static Map<String, String> index(Path file) throws CliException {
    Map<String, String> index = new HashMap<>();
    Files2.forEachRow(
        file,
        (line, row) -> {
          if (!(row instanceof Map<?, ?> m)
              || !m.containsKey("id")
              || !isScalar(m.get("id"))
              || !(m.get("payload") instanceof String p)) {
            throw CliException.failure(
                file + ":" + line + ": expected an object with an \"id\" and a \"payload\" string");
          }
          index.put(PyJson.dumps(m.get("id")), p);
        });
    return index;
  }

  static boolean isScalar(Object v) {
    return !(v instanceof Map<?, ?>) && !(v instanceof List<?>);
  }

  /** Both peers' packets for this row's id, or null when either is missing or not base64. */
  static byte[][] lookup(
      Map<String, Object> datum, Map<String, String> internal, Map<String, String> external) {
    if (!datum.containsKey("id") || !isScalar(datum.get("id"))) {
      return null;
    }
    String key = PyJson.dumps(datum.get("id"));
    byte[] mine = base64(internal.get(key));
    byte[] theirs = base64(external.get(key));
    return mine == null || theirs == null ? null : new byte[][] {mine, theirs};
  }

  /** Standard base64 with padding (RFC 4648), or null for anything else. */
  static byte[] base64(Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
