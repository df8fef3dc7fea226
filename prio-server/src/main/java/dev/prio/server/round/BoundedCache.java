package dev.prio.server.round;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cache of at most a fixed number of entries, the least recently used going first: what server B
 * keeps in memory of things it has stored (pending chunks, agreed handshakes). Only a cache: a miss
 * reads the stored object, so a bound that is too small costs reads, never correctness; with
 * several replicas of B an entry whose next use reaches another replica stays here until evicted,
 * which is why every such cache is bounded.
 */
final class BoundedCache<K, V> {
  private final Map<K, V> entries;

  BoundedCache(int limit) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > limit;
          }
        };
  }

  synchronized void put(K key, V value) {
    entries.put(key, value);
  }

  /** The entry, or null. */
  synchronized V get(K key) {
    return entries.get(key);
  }

  /** The entry, or null; it leaves the cache either way. */
  synchronized V take(K key) {
    return entries.remove(key);
  }
}
