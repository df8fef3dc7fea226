package dev.prio.server.signing;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers every accepted (keyid, nonce) until the message could no longer pass the clock check
 * anyway ({@code created + window}), so a captured message cannot be accepted twice. Bounded: when
 * full of live entries it evicts the oldest and raises a floor — messages created at or before the
 * newest evicted entry are refused from then on (reported as replayed), so eviction can cause a
 * false refusal under overload but never a replay. Thread-safe.
 */
public final class NonceCache {
  private record Entry(long created, long expires) {}

  private final int capacity;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  private long floor = Long.MIN_VALUE;

  public NonceCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("nonce cache capacity must be positive");
    }
    this.capacity = capacity;
  }

  /**
   * Records the nonce and returns true if it is new; false if it was seen (and is still live) or is
   * at or below the eviction floor.
   *
   * @param expiresEpochSeconds after this instant the message is stale anyway and the entry may go
   */
  public synchronized boolean checkAndRecord(
      String keyId,
      String nonce,
      long createdEpochSeconds,
      long expiresEpochSeconds,
      long nowEpochSeconds) {
    if (createdEpochSeconds <= floor) {
      return false;
    }
    String k = keyId + '\u0000' + nonce;
    Entry old = entries.get(k);
    if (old != null && old.expires() >= nowEpochSeconds) {
      return false;
    }
    entries.remove(k);
    entries.put(k, new Entry(createdEpochSeconds, expiresEpochSeconds));
    if (entries.size() > capacity) {
      purgeExpired(nowEpochSeconds);
      Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
      while (entries.size() > capacity && it.hasNext()) {
        Entry e = it.next().getValue();
        floor = Math.max(floor, e.created());
        it.remove();
      }
    }
    return true;
  }

  public synchronized int size() {
    return entries.size();
  }

  private void purgeExpired(long now) {
    entries.values().removeIf(e -> e.expires() < now);
  }
}
