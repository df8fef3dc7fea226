package dev.prio.cli.origin;

import dev.prio.cli.Values;

import dev.prio.cli.CliException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DATA_CONFIG file (spec §7.1, prio-processor's {@code config/content.json}): a JSON list of
 * {@code {"batch_id": str, "n_data": int}}, read into batch id → n_data in file order.
 */
final class DataConfigFile {
  /** n_data ≤ 2^18 − 1, as libprio allows. */
  private static final int MAX_N_DATA = (1 << 18) - 1;

  private DataConfigFile() {}

  static Map<String, Integer> read(Path file) throws CliException {
    Object doc = JsonFiles.read(file);
    if (!(doc instanceof List<?> list)) {
      throw CliException.failure(file + ": DATA_CONFIG must be a JSON list of {\"batch_id\", \"n_data\"}");
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m) || !(m.get("batch_id") instanceof String id)
          || !(m.get("n_data") instanceof BigInteger n)
          || n.signum() <= 0 || n.compareTo(BigInteger.valueOf(MAX_N_DATA)) > 0) {
        throw CliException.failure(file + ": entry " + i + " is not {\"batch_id\": string, \"n_data\": 1.."
            + MAX_N_DATA + "}");
      }
      if (out.put(id, n.intValue()) != null) {
        throw CliException.failure(file + ": batch id '" + Values.printable(id) + "' is listed twice");
      }
    }
    return Collections.unmodifiableMap(out);
  }
}
