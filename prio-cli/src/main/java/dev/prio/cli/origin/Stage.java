package dev.prio.cli.origin;

import dev.prio.cli.CliException;
import dev.prio.cli.Files2;
import dev.prio.cli.StagedFile;
import dev.prio.cli.Values;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code prio stage}: Firefox "prio" pings (spec §8.1, §8.3) to the servers' input layout.
 *
 * <p>Like prio-processor's {@code origin/staging.py}: duplicate pings (same ping id) are dropped,
 * each {@code prioData} entry becomes one record per server with {@code batch_id = encoding}, and
 * records get an integer id, the row number within their batch id, starting at 1. Unlike Spark's
 * {@code row_number()} the numbering is deterministic: files in path order, lines in order, the
 * first copy of a ping kept. So A's and B's shares can be staged by separate runs over the same
 * input ({@code --output-a} here, {@code --output-b} there) and still get the same ids.
 *
 * <p>Bad input never stops the run: a bad line drops that ping, a bad entry drops that entry only,
 * and every drop is counted by {@link Reject reason}. Output appears only when the whole input has
 * been read (see {@link StagedOutput}).
 */
public final class Stage {
  public static final String NAME = "stage";
  public static final String DESCRIPTION =
      "Stage Firefox prio pings into the servers' input layout (Telemetry Origin).";

  private final StageReport report = new StageReport();
  private final Set<String> seenPings = new HashSet<>();
  private final Map<String, Long> lastId = new HashMap<>();
  private final Map<String, StagedOutput> byServer = new HashMap<>();
  private final Set<String> known;

  private Stage(Set<String> known) {
    this.known = known;
  }

  /** Runs {@code prio stage} with the options picocli bound. */
  static void run(StageCommand opts, PrintStream err) throws CliException {
    LocalDate date = Values.date(opts.submissionDate, "--submission-date");
    if ((opts.output != null) == (opts.outputA != null || opts.outputB != null)) {
      throw CliException.usage("give either --output, or --output-a and/or --output-b");
    }
    long maxRecords =
        Values.integer(opts.maxRecordsPerFile, "--max-records-per-file", 1, Long.MAX_VALUE, 10_000);
    long maxBytes =
        Values.integer(opts.maxBytesPerFile, "--max-bytes-per-file", 1, Long.MAX_VALUE, 256L << 20);
    int maxLine =
        (int)
            Values.integer(
                opts.maxLineBytes, "--max-line-bytes", 1, Integer.MAX_VALUE - 16, 64 << 20);
    StagedFile.Format format = opts.staged.format();
    Path reportFile = opts.report != null ? Values.path(opts.report, "--report") : null;
    Set<String> known =
        opts.dataConfig != null
            ? DataConfigFile.read(Values.path(opts.dataConfig, "--data-config")).keySet()
            : null;
    List<Path> files = InputFiles.list(opts.inputs);
    if (files.isEmpty()) {
      throw CliException.failure(
          "no input files under " + Values.printable(String.join(", ", opts.inputs)));
    }

    Map<Path, StagedOutput> outputs = new LinkedHashMap<>();
    Stage stage = new Stage(known);
    try {
      for (String server : List.of("a", "b")) {
        String flag = opts.output != null ? "--output" : "--output-" + server;
        if (opts.output(server) != null) {
          Path root = Values.root(opts.output(server), flag).toAbsolutePath().normalize();
          StagedOutput o = outputs.get(root);
          if (o == null) {
            o = new StagedOutput(root, date, maxRecords, maxBytes, format);
            outputs.put(root, o);
          }
          stage.byServer.put(server, o);
        }
      }
      for (Path file : files) {
        stage.report.files++;
        InputFiles.forEachLine(
            file, maxLine, (n, text, tooLong) -> stage.line(file + ":" + n, text, tooLong));
      }
      List<Path> conflicts = new ArrayList<>();
      for (StagedOutput o : outputs.values()) {
        conflicts.addAll(o.conflicts());
      }
      if (!conflicts.isEmpty() && !opts.overwrite) {
        throw CliException.failure(
            conflicts.get(0)
                + " already holds input files"
                + (conflicts.size() > 1
                    ? " (and " + (conflicts.size() - 1) + " more partitions)"
                    : "")
                + "; nothing was written; pass --overwrite to replace them");
      }
      Map<String, Map<String, Map<String, Integer>>> filesByRoot = new LinkedHashMap<>();
      for (StagedOutput o : outputs.values()) {
        o.commit();
        filesByRoot.put(o.root().toString(), o.fileCounts());
      }
      if (reportFile != null) {
        Files2.writeAtomically(reportFile, stage.report.toJson(date.toString(), filesByRoot));
      }
      List<String> summary = stage.report.summary();
      err.println("prio stage: " + summary.get(0));
      summary.subList(1, summary.size()).forEach(err::println);
    } finally {
      outputs.values().forEach(StagedOutput::close);
    }
  }

  /** One input line: a ping, or a counted reject. */
  private void line(String where, String text, boolean tooLong) throws CliException {
    report.lines++;
    if (text == null) {
      report.reject(tooLong ? Reject.LINE_TOO_LONG : Reject.NOT_JSON, where);
      return;
    }
    Ping.Read read = Ping.read(text, known);
    if (read.reject() != null) {
      report.reject(read.reject(), where);
      return;
    }
    Ping ping = read.ping();
    if (!seenPings.add(ping.id())) {
      report.reject(Reject.DUPLICATE_PING, where);
      return;
    }
    report.pingsAccepted++;
    for (Ping.Entry e : ping.entries()) {
      report.entriesRead++;
      if (e.reject() != null) {
        report.reject(e.reject(), where);
        continue;
      }
      long id = lastId.merge(e.batchId(), 1L, Long::sum);
      write(e.batchId(), "a", id, e.a());
      write(e.batchId(), "b", id, e.b());
      report.entriesStaged++;
      report.records.merge(e.batchId(), 1L, Long::sum);
    }
  }

  private void write(String batchId, String server, long id, String payload) throws CliException {
    StagedOutput o = byServer.get(server);
    if (o != null) {
      // The payload is checked base64, which needs no JSON escaping and decodes for Parquet.
      o.add(batchId, server, id, payload);
    }
  }
}
