package dev.prio.cli.origin;

import dev.prio.cli.CliException;
import dev.prio.cli.Files2;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A published aggregate: the servers' {@code {"id", "timestamp", "payload": [...], "error",
 * "total"}} or prio-processor's {@code {"id", "timestamp", "payload"}}, one per line of the file (a
 * file with no trailing newline, as prio-processor writes it, is fine).
 */
record Published(Object id, String timestamp, List<BigInteger> payload) {
  private static final Pattern VERSIONED = Pattern.compile("data(?:-v([1-9][0-9]{0,8}))?\\.ndjson");

  /**
   * {@code <root>/prio/v1/published/submission_date=<D>/}: one {@code batch_id=<ID>} directory per
   * batch.
   */
  static Path dateDir(Path root, String date) {
    return root.resolve("prio/v1/published/submission_date=" + date);
  }

  /**
   * The newest version in a batch's published directory: {@code data.ndjson} is version 1, a forced
   * re-publish writes {@code data-v<n>.ndjson} beside it.
   */
  static Path latest(Path dir) throws CliException {
    Path best = null;
    int bestVersion = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        Matcher m = VERSIONED.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p)) {
          int v = m.group(1) == null ? 1 : Integer.parseInt(m.group(1));
          if (v > bestVersion) {
            bestVersion = v;
            best = p;
          }
        }
      }
    } catch (IOException e) {
      throw CliException.failure(dir + ": cannot list: " + e.getClass().getSimpleName());
    }
    if (best == null) {
      throw CliException.failure(dir + ": no published data.ndjson");
    }
    return best;
  }

  /**
   * The batch id a path names through a {@code batch_id=<ID>} segment (Spark's partition column),
   * or null.
   */
  static String batchIdOf(Path file) {
    String found = null;
    for (Path part : file.toAbsolutePath().normalize()) {
      String s = part.toString();
      if (s.startsWith("batch_id=") && s.length() > "batch_id=".length()) {
        found = s.substring("batch_id=".length());
      }
    }
    return found;
  }

  static List<Published> read(Path file) throws CliException {
    List<Published> out = new ArrayList<>();
    Files2.forEachRow(
        file,
        (number, doc) -> {
          String where = file + ":" + number;
          if (!(doc instanceof Map<?, ?> m)
              || !(m.get("timestamp") instanceof String ts)
              || !(m.get("id") instanceof String || m.get("id") instanceof BigInteger)
              || !(m.get("payload") instanceof List<?> payload)) {
            throw CliException.failure(
                where + ": not a published record {\"id\", \"timestamp\", \"payload\": [...]}");
          }
          List<BigInteger> counts = new ArrayList<>(payload.size());
          for (Object c : payload) {
            if (!(c instanceof BigInteger n) || n.signum() < 0) {
              throw CliException.failure(where + ": payload must hold non-negative integers");
            }
            counts.add(n);
          }
          out.add(new Published(m.get("id"), ts, List.copyOf(counts)));
        });
    if (out.isEmpty()) {
      throw CliException.failure(file + ": no published record");
    }
    return out;
  }
}
