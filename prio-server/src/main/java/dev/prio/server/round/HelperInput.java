package dev.prio.server.round;

import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.SubmissionReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * B's input for one batch, indexed by id. B's shares are small (~190 bytes at n_data 2046), so B
 * keeps them in memory for the length of the batch and answers A's chunks in any order.
 */
public record HelperInput(Map<String, InputLine> byId, long uniqueCount, String idChecksum, Map<String, Long> localRejects) {

  public static HelperInput load(SubmissionReader reader, String prefix) throws IOException {
    Map<String, InputLine> byId = new HashMap<>();
    InputScan scan = InputScan.run(reader, prefix, (position, line) -> byId.put(line.id(), line));
    return new HelperInput(Map.copyOf(byId), scan.uniqueCount(), scan.idChecksum(), scan.localRejects());
  }
}
