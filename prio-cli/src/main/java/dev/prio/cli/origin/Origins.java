package dev.prio.cli.origin;

import dev.prio.cli.CliException;
import dev.prio.cli.Files2;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Telemetry Origin origins list (prio-processor's {@code
 * config/telemetry_origin_data_inc.json}): a JSON list of {@code {"name": str, "hash": str,
 * "index": int ≥ 0}}. Bit i of shard k of a metric is the origin at <em>position</em> offset(k) + i
 * of this list, as in prio-processor's indexing; {@code index} is carried to the output as it is
 * (in the real list it equals the position).
 */
record Origins(List<Origin> list, int indexMismatches) {
  record Origin(String name, String hash, BigInteger index) {}

  static Origins read(Path file) throws CliException {
    Object doc = Files2.readJson(file);
    if (!(doc instanceof List<?> items)) {
      throw CliException.failure(
          file + ": the origins list must be a JSON list of {\"name\", \"hash\", \"index\"}");
    }
    List<Origin> out = new ArrayList<>(items.size());
    int mismatches = 0;
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof Map<?, ?> m)
          || !(m.get("name") instanceof String name)
          || !(m.get("hash") instanceof String hash)
          || !(m.get("index") instanceof BigInteger index)
          || index.signum() < 0) {
        throw CliException.failure(
            file
                + ": entry "
                + i
                + " is not {\"name\": string, \"hash\": string, \"index\": integer >= 0}");
      }
      if (!index.equals(BigInteger.valueOf(i))) {
        mismatches++;
      }
      out.add(new Origin(name, hash, index));
    }
    return new Origins(List.copyOf(out), mismatches);
  }
}
