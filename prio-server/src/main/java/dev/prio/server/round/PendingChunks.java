package dev.prio.server.round;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server B's chunks between their verify1 and verify2 on this replica, so verify2 need not read
 * them back from storage. Only a cache of what is stored ({@link PendingChunk}, ~40 KiB for 250
 * submissions at n_data 2046). With several replicas of B a verify2 often reaches another replica,
 * leaving this one's entry behind for good: so the cache holds no more chunks than B answers rounds
 * at once, which bounds B's heap whatever the batch size and however rounds spread over replicas.
 */
final class PendingChunks {
  private final Map<String, PendingChunk> chunks;

  /**
   * @param limit chunks kept at most, the least recently used going first
   */
  PendingChunks(int limit) {
    this.chunks =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, PendingChunk> eldest) {
            return size() > limit;
          }
        };
  }

  synchronized void put(String key, PendingChunk work) {
    chunks.put(key, work);
  }

  /** The chunk's work if this replica still holds it; it leaves the cache either way. */
  synchronized PendingChunk take(String key) {
    return chunks.remove(key);
  }
}
