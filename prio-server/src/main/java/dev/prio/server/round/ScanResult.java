package dev.prio.server.round;

import java.util.List;
import java.util.Map;

/**
 * A's input scan for one attempt, persisted so a restarted A cuts the same chunks. The chunk plan
 * itself ({@link ChunkPlan}) is in pages of {@code pageSize} chunks beside it; {@code files} are
 * the input objects the plan's ranges point into.
 */
public record ScanResult(
    long uniqueCount,
    String idChecksum,
    int chunkSize,
    int chunkCount,
    Map<String, Long> localRejects,
    List<String> files,
    int pageSize) {}
