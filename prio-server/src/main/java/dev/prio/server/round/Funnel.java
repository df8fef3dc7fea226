package dev.prio.server.round;

import dev.prio.core.error.RejectReason;
import dev.prio.server.metrics.PrioMetrics;
import java.util.Map;
import java.util.TreeMap;

/**
 * Submissions by outcome label ({@code valid} or a {@link RejectReason} label). Not thread-safe.
 */
public final class Funnel {
  private final Map<String, Long> counts = new TreeMap<>();

  public void valid() {
    add(PrioMetrics.VALID, 1);
  }

  public void reject(RejectReason reason) {
    add(reason.label(), 1);
  }

  public void add(String label, long n) {
    if (n != 0) {
      counts.merge(label, n, Long::sum);
    }
  }

  public void addAll(Map<String, Long> other) {
    other.forEach(this::add);
  }

  public Map<String, Long> toMap() {
    return new TreeMap<>(counts);
  }

  public static long total(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  public static long validCount(Map<String, Long> m) {
    return m.getOrDefault(PrioMetrics.VALID, 0L);
  }
}
