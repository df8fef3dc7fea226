package dev.prio.cli;

import dev.prio.core.crypto.PublicKey;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.PrgKeyMode;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    Map<String, String> v = new LinkedHashMap<>();
    for (int i = 0; i < argv.size(); i++) {
      String token = argv.get(i);
      if (!token.startsWith("--") || token.equals("--")) {
        throw CliException.usage("unexpected argument '" + printable(token) + "'");
      }
      int eq = token.indexOf('=');
      String name = (eq < 0 ? token : token.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (!FLAGS.containsKey(name)) {
        throw CliException.usage("no such option: " + printable(name));
      }
      String value;
      if (eq >= 0) {
        value = token.substring(eq + 1);
      } else {
        if (i + 1 >= argv.size() || argv.get(i + 1).startsWith("--")) {
          throw CliException.usage("option " + name + " requires a value");
        }
        value = argv.get(++i);
      }
      v.put(name, value);
    }
    int nData = (int) integer(v, "--n-data", 1, PrioConfig.MAX_DATA_FIELDS, null);
    String batchId = require(v, "--batch-id");
    if (batchId.isEmpty() || batchId.contains("/") || batchId.equals(".") || batchId.equals("..")
        || !batchId.matches("[\\x21-\\x7e]+")) {
      throw CliException.usage("invalid value for --batch-id: printable ASCII without '/' or spaces");
    }
    PublicKey a = key(v, "--public-key-hex-a");
    PublicKey b = key(v, "--public-key-hex-b");
    long count = integer(v, "--count", 0, Integer.MAX_VALUE, null);
    long invalid = integer(v, "--invalid", 0, Integer.MAX_VALUE, 0L);
    if (count + invalid == 0) {
      throw CliException.usage("nothing to generate: --count and --invalid are both 0");
    }
    if (count + invalid > Integer.MAX_VALUE) {
      throw CliException.usage("--count plus --invalid must be at most " + Integer.MAX_VALUE);
    }
    LocalDate date;
    try {
      date = LocalDate.parse(require(v, "--submission-date"));
    } catch (DateTimeParseException e) {
      throw CliException.usage("invalid value for --submission-date: expected YYYY-MM-DD");
    }
    Path rootA = root(require(v, "--output-a"), "--output-a");
    Path rootB = root(require(v, "--output-b"), "--output-b");
    long seed = v.containsKey("--seed") ? longValue(v.get("--seed"), "--seed") : defaultSeed;
    PrgKeyMode prg = switch (v.getOrDefault("--prg-mode", "legacy").trim().toLowerCase(Locale.ROOT)) {
      case "legacy" -> PrgKeyMode.LEGACY;
      case "hashed" -> PrgKeyMode.HASHED;
      default -> throw CliException.usage("invalid value for --prg-mode: must be legacy or hashed");
    };
    int files = (int) integer(v, "--files", 1, 100_000, 1L);
    Path truth = null;
    if (v.containsKey("--truth")) {
      try {
        truth = Path.of(v.get("--truth"));
      } catch (InvalidPathException e) {
        throw CliException.usage("invalid path for --truth");
      }
    }
    int threads = (int) integer(v, "--threads", 1, 1024, (long) Runtime.getRuntime().availableProcessors());
    return new GenerateOptions(nData, batchId, a, b, count, invalid, date, rootA, rootB, seed, prg, files, truth, threads);
  }

  long total() {
    return count + invalid;
  }

  private static String require(Map<String, String> v, String flag) throws CliException {
    String s = v.get(flag);
    if (s == null) {
      throw CliException.usage("missing option " + flag);
    }
    return s;
  }

  private static long integer(Map<String, String> v, String flag, long min, long max, Long dflt) throws CliException {
    if (!v.containsKey(flag) && dflt != null) {
      return dflt;
    }
    long n = longValue(require(v, flag), flag);
    if (n < min || n > max) {
      throw CliException.usage("invalid value for " + flag + ": must be between " + min + " and " + max);
    }
    return n;
  }

  private static long longValue(String s, String flag) throws CliException {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw CliException.usage("invalid value for " + flag + ": not an integer");
    }
  }

  private static PublicKey key(Map<String, String> v, String flag) throws CliException {
    try {
      return PublicKey.fromHex(require(v, flag));
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
