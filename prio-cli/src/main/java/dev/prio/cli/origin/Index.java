package dev.prio.cli.origin;

import dev.prio.cli.CliException;
import dev.prio.cli.Files2;
import dev.prio.cli.PyJson;
import dev.prio.cli.Values;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code prio index}: published aggregates of {@code <metric>-<shard>} batches to per-origin
 * counts, as prio-processor's {@code origin/indexing.py} does (spec §8.4). Count i of shard k
 * belongs to the origin at position offset(k) + i of the origins list ({@link Shard}). One output
 * row per origin: {@code {id, timestamp, batch_id (the metric), origin, hash, index, aggregate}},
 * as ndjson (Python json.dumps lines) or CSV with a header.
 *
 * <p>Stricter than prio-processor, which zips and so silently truncates: a payload whose length is
 * not the batch's n_data, or a shard reaching past the end of the origins list, is an error.
 */
public final class Index {
  public static final String NAME = "index";
  public static final String DESCRIPTION =
      "Map published Telemetry Origin aggregates (<metric>-<shard>) to per-origin counts.";

  static final List<String> COLUMNS =
      List.of("id", "timestamp", "batch_id", "origin", "hash", "index", "aggregate");

  private Index() {}

  /** Runs {@code prio index} with the options picocli bound. */
  static void run(IndexCommand opts, PrintStream out, PrintStream err) throws CliException {
    String format = opts.format != null ? opts.format.trim().toLowerCase(Locale.ROOT) : "ndjson";
    if (!format.equals("ndjson") && !format.equals("csv")) {
      throw CliException.usage("invalid value for --format: ndjson or csv");
    }
    if ((opts.input != null) == (opts.root != null)) {
      throw CliException.usage("give either --input or --root");
    }
    Map<String, Integer> config =
        DataConfigFile.read(
            Values.path(Values.require(opts.dataConfig, "--data-config"), "--data-config"));
    Path originsFile = Values.path(Values.require(opts.origins, "--origins"), "--origins");
    Origins origins = Origins.read(originsFile);
    if (origins.indexMismatches() > 0) {
      err.println(
          "prio index: warning: "
              + origins.indexMismatches()
              + " origins in "
              + originsFile
              + " have an index other than their position; positions are used, as prio-processor does");
    }
    Map<String, Path> sources = opts.input != null ? fromInput(opts) : fromRoot(opts, config, err);

    StringBuilder sb = new StringBuilder();
    if (format.equals("csv")) {
      sb.append(String.join(",", COLUMNS)).append('\n');
    }
    for (Map.Entry<String, Path> s : sources.entrySet()) {
      Shard shard = Shard.of(s.getKey(), config);
      if ((long) shard.offset() + shard.nData() > origins.list().size()) {
        throw CliException.failure(
            s.getKey()
                + " covers origins "
                + shard.offset()
                + ".."
                + (shard.offset() + shard.nData() - 1)
                + " but "
                + originsFile
                + " has "
                + origins.list().size());
      }
      int rows = 0;
      for (Published p : Published.read(s.getValue())) {
        if (p.payload().size() != shard.nData()) {
          throw CliException.failure(
              s.getValue()
                  + ": payload has "
                  + p.payload().size()
                  + " counts but "
                  + s.getKey()
                  + " has n_data "
                  + shard.nData());
        }
        for (int i = 0; i < shard.nData(); i++) {
          Origins.Origin o = origins.list().get(shard.offset() + i);
          List<Object> row =
              List.of(
                  p.id(),
                  p.timestamp(),
                  shard.metric(),
                  o.name(),
                  o.hash(),
                  o.index(),
                  p.payload().get(i));
          if (format.equals("csv")) {
            csv(sb, row);
          } else {
            ndjson(sb, row);
          }
          rows++;
        }
      }
      err.println(
          "prio index: "
              + s.getKey()
              + " (shard "
              + shard.shard()
              + ", origins "
              + shard.offset()
              + ".."
              + (shard.offset() + shard.nData() - 1)
              + "): "
              + rows
              + " rows from "
              + s.getValue());
    }
    if (opts.output != null) {
      Files2.writeAtomically(Values.path(opts.output, "--output"), sb.toString());
    } else {
      out.print(sb);
      out.flush();
    }
  }

  /** --input FILE or DIR: one batch, named by --batch-id or by the path. */
  private static Map<String, Path> fromInput(IndexCommand opts) throws CliException {
    Path input = Values.path(opts.input, "--input");
    if (!Files.exists(input)) {
      throw CliException.failure(input + ": no such file or directory");
    }
    Path file = Files.isDirectory(input) ? Published.latest(input) : input;
    List<String> ids = opts.batchIds;
    if (ids.size() > 1) {
      throw CliException.usage("--input takes one --batch-id");
    }
    String batchId = ids.isEmpty() ? Published.batchIdOf(file) : ids.get(0);
    if (batchId == null) {
      throw CliException.usage(
          "--batch-id is needed: " + file + " has no batch_id=<ID> in its path");
    }
    return Map.of(batchId, file);
  }

  /** --root with --submission-date: the named batches, or every published one in DATA_CONFIG. */
  private static Map<String, Path> fromRoot(
      IndexCommand opts, Map<String, Integer> config, PrintStream err) throws CliException {
    Path root = Values.root(opts.root, "--root");
    Path dateDir =
        Published.dateDir(root, Values.date(opts.submissionDate, "--submission-date").toString());
    Map<String, Path> out = new LinkedHashMap<>();
    if (!opts.batchIds.isEmpty()) {
      for (String id : opts.batchIds) {
        Path dir = dateDir.resolve("batch_id=" + id);
        if (!Files.isDirectory(dir)) {
          throw CliException.failure(dir + ": not published");
        }
        out.put(id, Published.latest(dir));
      }
      return out;
    }
    List<String> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dateDir, "batch_id=*")) {
      ds.forEach(p -> found.add(p.getFileName().toString().substring("batch_id=".length())));
    } catch (IOException e) {
      throw CliException.failure(dateDir + ": nothing published for that date");
    }
    for (String id : config.keySet()) {
      if (found.remove(id)) {
        out.put(id, Published.latest(dateDir.resolve("batch_id=" + id)));
      }
    }
    found.stream()
        .sorted()
        .forEach(
            id ->
                err.println(
                    "prio index: skipping " + Values.printable(id) + ": not in --data-config"));
    if (out.isEmpty()) {
      throw CliException.failure(dateDir + ": no published batch of --data-config");
    }
    return out;
  }

  private static void ndjson(StringBuilder sb, List<Object> row) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < COLUMNS.size(); i++) {
      m.put(COLUMNS.get(i), row.get(i));
    }
    PyJson.write(sb, m);
    sb.append('\n');
  }

  /** RFC 4180 fields: quoted only when they hold a comma, quote or line break. */
  private static void csv(StringBuilder sb, List<Object> row) {
    for (int i = 0; i < row.size(); i++) {
      String s = String.valueOf(row.get(i));
      if (i > 0) {
        sb.append(',');
      }
      if (s.indexOf(',') >= 0
          || s.indexOf('"') >= 0
          || s.indexOf('\n') >= 0
          || s.indexOf('\r') >= 0) {
        sb.append('"').append(s.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(s);
      }
    }
    sb.append('\n');
  }
}
