package dev.prio.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code prio generate}'s options as picocli declares them. Ours, not prio-processor's: no
 * environment variables, its own flag names; {@link GenerateOptions} checks the values.
 */
@Command(name = Generate.NAME, description = Generate.DESCRIPTION)
final class GenerateCommand implements CliCommand {
  @Option(
      names = "--n-data",
      paramLabel = "INTEGER",
      required = true,
      description = "length of each bit vector, 1..262143 (required)")
  String nData;

  @Option(
      names = "--batch-id",
      paramLabel = "TEXT",
      required = true,
      description = "batch id, as in DATA_CONFIG (required)")
  String batchId;

  @Option(
      names = "--public-key-hex-a",
      paramLabel = "HEX",
      required = true,
      description = "server A's public key (required)")
  String publicKeyA;

  @Option(
      names = "--public-key-hex-b",
      paramLabel = "HEX",
      required = true,
      description = "server B's public key (required)")
  String publicKeyB;

  @Option(
      names = "--count",
      paramLabel = "N",
      required = true,
      description = "number of valid submissions (0/1 vectors) (required)")
  String count;

  @Option(
      names = "--invalid",
      paramLabel = "K",
      description = "number of invalid submissions (a 2 in the vector); default 0")
  String invalid;

  @Option(
      names = "--submission-date",
      paramLabel = "YYYY-MM-DD",
      required = true,
      description = "submission date of the staging layout (required)")
  String submissionDate;

  @Option(
      names = "--output-a",
      paramLabel = "ROOT",
      required = true,
      description = "server A's storage root, a path or file: URI (required)")
  String outputA;

  @Option(
      names = "--output-b",
      paramLabel = "ROOT",
      required = true,
      description = "server B's storage root, a path or file: URI (required)")
  String outputB;

  @Option(
      names = "--seed",
      paramLabel = "LONG",
      description = "seed of the ids, vectors and order; default random (printed)")
  String seed;

  @Option(
      names = "--prg-mode",
      paramLabel = "[legacy|hashed]",
      description = "client PRG key mode; default legacy")
  String prgMode;

  @Option(
      names = "--files",
      paramLabel = "M",
      description = "split each side into M files; default 1")
  String files;

  @Mixin StagedFormatOptions staged;

  @Option(
      names = "--truth",
      paramLabel = "FILE",
      description = "write the true sums and counts as JSON here")
  String truth;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description = "encoding threads; default the number of cores")
  String threads;

  @Override
  public void run(Context ctx) throws CliException {
    new Generate(ctx.out()).generate(GenerateOptions.of(this, ctx.random().nextLong()));
  }

  @Override
  public String helpDetails() {
    return "  Writes <ROOT>/prio/v1/submission_date=<DATE>/batch_id=<ID>/server_id=a|b/part-NNNNN.ndjson\n"
        + "  (or .parquet with --format parquet: columns id, string, and payload, raw bytes)\n"
        + "  under --output-a and --output-b, and with --truth the true sums of the valid submissions:\n"
        + "  {\"batch_id\", \"n_data\", \"valid\", \"invalid\", ..., \"sums\": [...]}.\n";
  }
}
