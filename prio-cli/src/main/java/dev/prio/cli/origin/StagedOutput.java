package dev.prio.cli.origin;

import dev.prio.cli.CliException;
import dev.prio.cli.StagedFile;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The part files of one storage root, in the seed's layout {@code
 * <root>/prio/v1/submission_date=<D>/batch_id=<ID>/server_id=<a|b>/part-NNNNN.ndjson} (or {@code
 * .parquet}). Records go to a private directory under {@code <root>/prio/v1/_staging/} first;
 * {@link #commit} moves each finished partition into place and then writes its {@code _SUCCESS}
 * marker, so the servers never see half a staging run. A file is closed and the next one opened
 * before a record would take it past either bound.
 */
final class StagedOutput implements AutoCloseable {
  private final Path root;
  private final LocalDate date;
  private final long maxRecords;
  private final long maxBytes;
  private final StagedFile.Format format;
  private final Path temp;

  /** The marker written into each partition once its part files are in place. */
  static final String SUCCESS = "_SUCCESS";

  private final Map<String, Partition> partitions = new LinkedHashMap<>();
  private boolean committed;

  private static final class Partition {
    final String batchId;
    final String server;
    final Path dir;
    StagedFile writer;
    int files;
    long records;
    long bytes;

    Partition(String batchId, String server, Path dir) {
      this.batchId = batchId;
      this.server = server;
      this.dir = dir;
    }
  }

  StagedOutput(Path root, LocalDate date, long maxRecords, long maxBytes, StagedFile.Format format)
      throws CliException {
    this.root = root;
    this.date = date;
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.format = format;
    try {
      Path base = Files.createDirectories(root.resolve("prio/v1/_staging"));
      this.temp = Files.createTempDirectory(base, "stage-");
    } catch (IOException e) {
      throw CliException.failure(
          root + ": cannot create the staging directory: " + e.getClass().getSimpleName());
    }
  }

  Path root() {
    return root;
  }

  /**
   * The partition directory a server reads: {@code
   * prio/v1/submission_date=D/batch_id=ID/server_id=s}.
   */
  static Path partitionDir(Path root, LocalDate date, String batchId, String server) {
    return root.resolve(
        "prio/v1/submission_date=" + date + "/batch_id=" + batchId + "/server_id=" + server);
  }

  /** Appends one record (a checked base64 payload) to the partition's current file. */
  void add(String batchId, String server, long id, String payloadBase64) throws CliException {
    Partition p = partitions.get(batchId + "/" + server);
    if (p == null) {
      p =
          new Partition(
              batchId, server, temp.resolve("batch_id=" + batchId + "/server_id=" + server));
      partitions.put(batchId + "/" + server, p);
    }
    long size = format.recordBytes(id, payloadBase64);
    if (p.writer != null && (p.records >= maxRecords || p.bytes + size > maxBytes)) {
      finish(p);
    }
    if (p.writer == null) {
      try {
        Files.createDirectories(p.dir);
      } catch (IOException e) {
        throw CliException.failure(p.dir + ": cannot write: " + e.getClass().getSimpleName());
      }
      p.writer = format.create(p.dir.resolve(partName(p.files++)));
      p.records = 0;
      p.bytes = 0;
    }
    p.writer.write(id, payloadBase64);
    p.records++;
    p.bytes += size;
  }

  /** Completes the partition's current file in the private directory. */
  private static void finish(Partition p) throws CliException {
    try (StagedFile w = p.writer) {
      p.writer = null;
      w.commit();
    }
  }

  String partName(int n) {
    return String.format(Locale.ROOT, "part-%05d", n) + format.extension();
  }

  /** batch id → server → number of files written. */
  Map<String, Map<String, Integer>> fileCounts() {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (Partition p : partitions.values()) {
      out.computeIfAbsent(p.batchId, k -> new LinkedHashMap<>()).put(p.server, p.files);
    }
    return out;
  }

  /** Target partitions that already hold input files (see {@link #inputFiles}). */
  List<Path> conflicts() throws CliException {
    List<Path> out = new ArrayList<>();
    for (Partition p : partitions.values()) {
      Path target = partitionDir(root, date, p.batchId, p.server);
      if (!inputFiles(target).isEmpty()) {
        out.add(target);
      }
    }
    return out;
  }

  /**
   * Replaces each written partition's input files by the new ones; other partitions are untouched.
   */
  void commit() throws CliException {
    for (Partition p : partitions.values()) {
      Path target = partitionDir(root, date, p.batchId, p.server);
      if (p.writer != null) {
        finish(p);
      }
      try {
        Files.createDirectories(target);
        for (Path old : inputFiles(target)) {
          Files.delete(old);
        }
        for (int i = 0; i < p.files; i++) {
          move(p.dir.resolve(partName(i)), target.resolve(partName(i)));
        }
        // Last, as Hadoop's committer does: server A may start the batch once it sees this
        // (docs/operations.md "Starting file batches"); the servers never read it as input.
        Files.write(target.resolve(SUCCESS), new byte[0]);
      } catch (IOException e) {
        throw CliException.failure(target + ": cannot commit: " + e.getClass().getSimpleName());
      }
    }
    committed = true;
    close();
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** What the servers read (*.ndjson, *.parquet), and *.json, which prio-processor's jobs write. */
  private static List<Path> inputFiles(Path dir) throws CliException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.{ndjson,json,parquet}")) {
      ds.forEach(out::add);
    } catch (IOException e) {
      throw CliException.failure(dir + ": cannot list: " + e.getClass().getSimpleName());
    }
    return out;
  }

  /** Deletes the private directory (after a commit it holds only empty directories). */
  @Override
  public void close() {
    for (Partition p : partitions.values()) {
      if (p.writer != null) {
        p.writer.close(); // deletes its temporary file
        p.writer = null;
      }
    }
    try (Stream<Path> walk = Files.walk(temp)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
    Path base = temp.getParent();
    base.toFile().delete(); // only if empty: another run may be staging beside us
    if (!committed) {
      partitions.clear();
    }
  }
}
