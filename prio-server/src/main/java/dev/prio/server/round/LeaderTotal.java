package dev.prio.server.round;

import dev.prio.server.peer.Total;
import java.util.Map;

/**
 * A's total round, persisted once: A's own sum over its chunks (computed once per attempt), the
 * batch's funnel on A, the chunks each replica committed, and B's answer, so the publish step (and
 * a resumed total) reads them instead of summing again.
 */
public record LeaderTotal(
    String totalShareA,
    long validCount,
    Map<String, Long> funnel,
    Total.Response peer,
    Map<String, Long> chunksDoneBy) {
  public LeaderTotal {
    chunksDoneBy = chunksDoneBy == null ? Map.of() : chunksDoneBy; // one recorded before holders
  }
}
