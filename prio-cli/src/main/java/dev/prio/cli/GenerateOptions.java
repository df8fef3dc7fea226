package dev.prio.cli;

import dev.prio.core.crypto.PublicKey;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.PrgKeyMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@code prio generate}, parsed like the other commands' ({@code --flag value} or
 * {@code --flag=value}, the last occurrence wins) but from their own table: generate is ours, not
 * prio-processor's, so it has no environment variables and its own flag names.
 */
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
    int threads) {

  /** flag → (metavar, help); the order of {@code --help}. Required unless the help says a default. */
  static final Map<String, String[]> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("--n-data", new String[] {"INTEGER", "length of each bit vector, 1..262143 (required)"});
    FLAGS.put("--batch-id", new String[] {"TEXT", "batch id, as in DATA_CONFIG (required)"});
    FLAGS.put("--public-key-hex-a", new String[] {"HEX", "server A's public key (required)"});
    FLAGS.put("--public-key-hex-b", new String[] {"HEX", "server B's public key (required)"});
    FLAGS.put("--count", new String[] {"N", "number of valid submissions (0/1 vectors) (required)"});
    FLAGS.put("--invalid", new String[] {"K", "number of invalid submissions (a 2 in the vector); default 0"});
    FLAGS.put("--submission-date", new String[] {"YYYY-MM-DD", "submission date of the staging layout (required)"});
    FLAGS.put("--output-a", new String[] {"ROOT", "server A's storage root, a path or file: URI (required)"});
    FLAGS.put("--output-b", new String[] {"ROOT", "server B's storage root, a path or file: URI (required)"});
    FLAGS.put("--seed", new String[] {"LONG", "seed of the ids, vectors and order; default random (printed)"});
    FLAGS.put("--prg-mode", new String[] {"[legacy|hashed]", "client PRG key mode; default legacy"});
    FLAGS.put("--files", new String[] {"M", "split each side into M ndjson files; default 1"});
    FLAGS.put("--truth", new String[] {"FILE", "write the true sums and counts as JSON here"});
    FLAGS.put("--threads", new String[] {"T", "encoding threads; default the number of cores"});
  }

  static GenerateOptions parse(List<String> argv, long defaultSeed) throws CliException {
    Flags f = Flags.parse(argv, FLAGS, Set.of(), Set.of());
    f.require("--n-data");
    int nData = (int) f.integer("--n-data", 1, PrioConfig.MAX_DATA_FIELDS, 0);
    String batchId = f.require("--batch-id");
    if (batchId.isEmpty() || batchId.contains("/") || batchId.equals(".") || batchId.equals("..")
        || !batchId.matches("[\\x21-\\x7e]+")) {
      throw CliException.usage("invalid value for --batch-id: printable ASCII without '/' or spaces");
    }
    PublicKey a = key(f, "--public-key-hex-a");
    PublicKey b = key(f, "--public-key-hex-b");
    f.require("--count");
    long count = f.integer("--count", 0, Integer.MAX_VALUE, 0);
    long invalid = f.integer("--invalid", 0, Integer.MAX_VALUE, 0);
    if (count + invalid == 0) {
      throw CliException.usage("nothing to generate: --count and --invalid are both 0");
    }
    if (count + invalid > Integer.MAX_VALUE) {
      throw CliException.usage("--count plus --invalid must be at most " + Integer.MAX_VALUE);
    }
    LocalDate date = f.date("--submission-date");
    Path rootA = root(f.require("--output-a"), "--output-a");
    Path rootB = root(f.require("--output-b"), "--output-b");
    long seed = f.integer("--seed", Long.MIN_VALUE, Long.MAX_VALUE, defaultSeed);
    String prgName = f.has("--prg-mode") ? f.get("--prg-mode") : "legacy";
    PrgKeyMode prg = switch (prgName.trim().toLowerCase(Locale.ROOT)) {
      case "legacy" -> PrgKeyMode.LEGACY;
      case "hashed" -> PrgKeyMode.HASHED;
      default -> throw CliException.usage("invalid value for --prg-mode: must be legacy or hashed");
    };
    int files = (int) f.integer("--files", 1, 100_000, 1);
    Path truth = f.has("--truth") ? Flags.path(f.get("--truth"), "--truth") : null;
    int threads = (int) f.integer("--threads", 1, 1024, Runtime.getRuntime().availableProcessors());
    return new GenerateOptions(nData, batchId, a, b, count, invalid, date, rootA, rootB, seed, prg, files, truth, threads);
  }

  long total() {
    return count + invalid;
  }

  private static PublicKey key(Flags f, String flag) throws CliException {
    try {
      return PublicKey.fromHex(f.require(flag));
    } catch (IllegalArgumentException e) {
      throw CliException.failure("invalid " + flag + ": " + e.getMessage());
    }
  }

  /**
   * A storage root as the servers' BUCKET_INTERNAL names it: {@code file:/abs}, {@code file:///abs},
   * {@code file:rel} or a plain path. Only local roots: generate writes files.
   */
  static Path root(String s, String flag) throws CliException {
    try {
      if (s.startsWith("file://")) {
        return Path.of(URI.create(s));
      }
      if (s.startsWith("file:")) {
        return Path.of(s.substring("file:".length()));
      }
      if (s.matches("[a-zA-Z][a-zA-Z0-9+.-]+://.*")) {
        throw CliException.usage("invalid value for " + flag + ": only local roots (a path or file: URI), not " + printable(s));
      }
      return Path.of(s);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("invalid value for " + flag + ": " + e.getMessage());
    }
  }

  private static String printable(String s) {
    String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
