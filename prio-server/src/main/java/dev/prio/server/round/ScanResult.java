package dev.prio.server.round;

import java.util.Map;

/** A's input scan for one attempt, persisted so a restarted A cuts the same chunks. */
public record ScanResult(long uniqueCount, String idChecksum, int chunkSize, int chunkCount, Map<String, Long> localRejects) {}
