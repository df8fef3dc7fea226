package dev.prio.cli;

import picocli.CommandLine.Option;

/**
 * {@code --format} and {@code --compression}, mixed into every command that writes staged files
 * ({@code generate}, {@code stage}), so both take the same flags with the same checks.
 */
public final class StagedFormatOptions {
  @Option(
      names = "--format",
      paramLabel = "[ndjson|parquet]",
      description = "staged file format; default ndjson")
  String format;

  @Option(
      names = "--compression",
      paramLabel = "[none|snappy|gzip]",
      description = "Parquet page compression (--format parquet only); default none")
  String compression;

  /** What the two flags chose; a usage error for an unknown value or a pair that does not fit. */
  public StagedFile.Format format() throws CliException {
    return StagedFile.Format.parse(format, compression);
  }
}
