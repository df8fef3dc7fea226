package dev.prio.server.round;

import dev.prio.server.peer.Total;
import java.util.Map;

/**
 * A's total round, persisted once: A's own sum over its chunks (computed once per attempt), the
 * batch's funnel on A, and B's answer, so the publish step reads them instead of summing again.
 */
public record LeaderTotal(
    String totalShareA, long validCount, Map<String, Long> funnel, Total.Response peer) {}
