package dev.prio.cli;

import dev.prio.core.crypto.PublicKey;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.PrgKeyMode;
import java.nio.file.Path;
import java.time.LocalDate;

/** The checked options of {@code prio generate} ({@link GenerateCommand} holds them as given). */
record GenerateOptions(
    int nData,
    String batchId,
    PublicKey publicKeyA,
    PublicKey publicKeyB,
    long count,
    long invalid,
    LocalDate submissionDate,
    Path rootA,
    Path rootB,
    long seed,
    PrgKeyMode prgMode,
    int files,
    Path truth,
    int threads,
    StagedFile.Format format) {

  /** Checks {@code c}'s values, in the order of its options; required ones picocli has checked. */
  static GenerateOptions of(GenerateCommand c, long defaultSeed) throws CliException {
    int nData = (int) Values.integer(c.nData, "--n-data", 1, PrioConfig.MAX_DATA_FIELDS, 0);
    String batchId = c.batchId;
    if (batchId.isEmpty()
        || batchId.contains("/")
        || batchId.equals(".")
        || batchId.equals("..")
        || !batchId.matches("[\\x21-\\x7e]+")) {
      throw CliException.usage(
          "invalid value for --batch-id: printable ASCII without '/' or spaces");
    }
    PublicKey a = key(c.publicKeyA, "--public-key-hex-a");
    PublicKey b = key(c.publicKeyB, "--public-key-hex-b");
    long count = Values.integer(c.count, "--count", 0, Integer.MAX_VALUE, 0);
    long invalid = Values.integer(c.invalid, "--invalid", 0, Integer.MAX_VALUE, 0);
    if (count + invalid == 0) {
      throw CliException.usage("nothing to generate: --count and --invalid are both 0");
    }
    if (count + invalid > Integer.MAX_VALUE) {
      throw CliException.usage("--count plus --invalid must be at most " + Integer.MAX_VALUE);
    }
    LocalDate date = Values.date(c.submissionDate, "--submission-date");
    Path rootA = Values.root(c.outputA, "--output-a");
    Path rootB = Values.root(c.outputB, "--output-b");
    long seed = Values.integer(c.seed, "--seed", Long.MIN_VALUE, Long.MAX_VALUE, defaultSeed);
    PrgKeyMode prg = ProcessorOptions.Modes.prgMode(c.prgMode);
    int files = (int) Values.integer(c.files, "--files", 1, 100_000, 1);
    Path truth = c.truth != null ? Values.path(c.truth, "--truth") : null;
    int threads =
        (int)
            Values.integer(
                c.threads, "--threads", 1, 1024, Runtime.getRuntime().availableProcessors());
    StagedFile.Format format = c.staged.format();
    return new GenerateOptions(
        nData, batchId, a, b, count, invalid, date, rootA, rootB, seed, prg, files, truth, threads,
        format);
  }

  long total() {
    return count + invalid;
  }

  private static PublicKey key(String hex, String flag) throws CliException {
    try {
      return PublicKey.fromHex(hex);
    } catch (IllegalArgumentException e) {
      throw CliException.failure("invalid " + flag + ": " + e.getMessage());
    }
  }
}
