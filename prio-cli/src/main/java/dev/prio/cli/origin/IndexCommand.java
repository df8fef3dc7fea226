package dev.prio.cli.origin;

import dev.prio.cli.CliCommand;
import dev.prio.cli.CliException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prio index}'s options as picocli declares them; {@link Index} checks and runs them. */
@Command(name = Index.NAME, description = Index.DESCRIPTION)
public final class IndexCommand implements CliCommand {
  @Option(
      names = "--data-config",
      paramLabel = "FILE",
      description = "DATA_CONFIG: n_data of every shard (required)")
  String dataConfig;

  @Option(
      names = "--origins",
      paramLabel = "FILE",
      description = "origins list [{name, hash, index}] (required)")
  String origins;

  @Option(
      names = "--input",
      paramLabel = "PATH",
      description = "a published file, or a batch's published directory")
  String input;

  @Option(
      names = "--root",
      paramLabel = "ROOT",
      description = "a server's storage root (instead of --input)")
  String root;

  @Option(
      names = "--submission-date",
      paramLabel = "YYYY-MM-DD",
      description = "with --root: the date to index (required there)")
  String submissionDate;

  @Option(
      names = "--batch-id",
      paramLabel = "ID",
      description =
          "batch id(s) to index; repeatable. Default: from --input's"
              + " batch_id=<ID> path, or every published batch of the date in --data-config")
  List<String> batchIds = List.of();

  @Option(
      names = "--format",
      paramLabel = "[ndjson|csv]",
      description = "output format; default ndjson")
  String format;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "output file (written atomically); default stdout")
  String output;

  @Override
  public void run(Context ctx) throws CliException {
    Index.run(this, ctx.out(), ctx.err());
  }

  @Override
  public String helpDetails() {
    return "  Reads <ROOT>/prio/v1/published/submission_date=<DATE>/batch_id=<ID>/data.ndjson"
        + " (the newest data-v<n>.ndjson\n  if re-published) and writes one row per origin: "
        + String.join(", ", Index.COLUMNS)
        + ".\n";
  }
}
