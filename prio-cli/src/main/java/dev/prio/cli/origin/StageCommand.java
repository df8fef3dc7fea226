package dev.prio.cli.origin;

import dev.prio.cli.CliCommand;
import dev.prio.cli.CliException;
import dev.prio.cli.StagedFormatOptions;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prio stage}'s options as picocli declares them; {@link Stage} checks and runs them. */
@Command(name = Stage.NAME, description = Stage.DESCRIPTION)
public final class StageCommand implements CliCommand {
  @Option(
      names = "--input",
      paramLabel = "PATH",
      required = true,
      description = "ping file or directory (ndjson, may be gzipped); repeatable (required)")
  List<String> inputs = List.of();

  @Option(
      names = "--submission-date",
      paramLabel = "YYYY-MM-DD",
      description = "submission date of the layout (required)")
  String submissionDate;

  @Option(
      names = "--output",
      paramLabel = "ROOT",
      description = "root (path or file: URI) for both servers' shares")
  String output;

  @Option(
      names = "--output-a",
      paramLabel = "ROOT",
      description = "root for server a's shares only (instead of --output)")
  String outputA;

  @Option(
      names = "--output-b",
      paramLabel = "ROOT",
      description = "root for server b's shares only (instead of --output)")
  String outputB;

  @Option(
      names = "--data-config",
      paramLabel = "FILE",
      description = "DATA_CONFIG; entries with other batch ids are rejected")
  String dataConfig;

  @Option(
      names = "--max-records-per-file",
      paramLabel = "N",
      description = "records per part file; default 10000")
  String maxRecordsPerFile;

  @Option(
      names = "--max-bytes-per-file",
      paramLabel = "N",
      description = "bytes per part file; default 268435456 (256 MiB)")
  String maxBytesPerFile;

  @Option(
      names = "--max-line-bytes",
      paramLabel = "N",
      description = "longest ping line read; default 67108864 (64 MiB)")
  String maxLineBytes;

  @Mixin StagedFormatOptions staged;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "write the counts (by batch id and by reject reason) as JSON")
  String report;

  @Option(
      names = "--overwrite",
      arity = "0..1",
      description = "replace partitions that already hold input files")
  boolean overwrite;

  /** The root option that names server {@code a} or {@code b}'s output, or null. */
  String output(String server) {
    return output != null ? output : server.equals("a") ? outputA : outputB;
  }

  @Override
  public void run(Context ctx) throws CliException {
    Stage.run(this, ctx.err());
  }

  @Override
  public String helpDetails() {
    return "  Writes <ROOT>/prio/v1/submission_date=<DATE>/batch_id=<ID>/server_id=a|b/"
        + "part-NNNNN.ndjson,\n  lines {\"id\": <row number in the batch>, \"payload\": \"<base64 share>\"}\n"
        + "  (or .parquet with --format parquet: columns id, string, and payload, raw bytes).\n";
  }
}
