package dev.prio.cli.origin;

import dev.prio.cli.CliException;
import dev.prio.cli.Values;
import java.util.Map;

/**
 * A batch id {@code <metric>-<shard>} (spec §8.2) and where its bits sit in the origins list: shard
 * k starts after the n_data of shards 0..k-1 of the same metric, taken from DATA_CONFIG. This is
 * prio-processor's indexing (which only knows shards 0 and 1) for any number of shards.
 */
record Shard(String batchId, String metric, int shard, int offset, int nData) {
  static Shard of(String batchId, Map<String, Integer> dataConfig) throws CliException {
    int dash = batchId.lastIndexOf('-');
    String digits = dash < 0 ? "" : batchId.substring(dash + 1);
    if (dash <= 0
        || !digits.matches("[0-9]{1,6}")
        || (digits.length() > 1 && digits.startsWith("0"))) {
      throw CliException.failure(
          "batch id '" + Values.printable(batchId) + "' is not <metric>-<shard>");
    }
    Integer nData = dataConfig.get(batchId);
    if (nData == null) {
      throw CliException.failure(
          "batch id '" + Values.printable(batchId) + "' is not in --data-config");
    }
    String metric = batchId.substring(0, dash);
    int shard = Integer.parseInt(digits);
    long offset = 0;
    for (int k = 0; k < shard; k++) {
      Integer earlier = dataConfig.get(metric + "-" + k);
      if (earlier == null) {
        throw CliException.failure(
            "cannot place "
                + Values.printable(batchId)
                + ": --data-config has no "
                + Values.printable(metric)
                + "-"
                + k);
      }
      offset += earlier;
    }
    if (offset > Integer.MAX_VALUE) {
      throw CliException.failure("offset of " + Values.printable(batchId) + " is too large");
    }
    return new Shard(batchId, metric, shard, (int) offset, nData);
  }
}
