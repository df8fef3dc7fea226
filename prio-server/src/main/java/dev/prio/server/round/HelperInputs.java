package dev.prio.server.round;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** B's input per batch attempt, loaded once on first use and dropped when the batch ends. */
final class HelperInputs {
  private final SubmissionReader reader;
  private final Map<String, HelperInput> loaded = new ConcurrentHashMap<>();

  HelperInputs(SubmissionReader reader) {
    this.reader = reader;
  }

  HelperInput get(BatchKey key, int attempt) {
    return loaded.computeIfAbsent(key + "#" + attempt, k -> {
      try {
        return HelperInput.load(reader, StorageLayout.inputPrefix(key, ServerId.B));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  void evict(BatchKey key, int attempt) {
    loaded.remove(key + "#" + attempt);
  }
}
