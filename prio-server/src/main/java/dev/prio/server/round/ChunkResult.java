package dev.prio.server.round;

import java.util.Map;

/**
 * One finished chunk on one server, persisted so a restarted server skips it: its funnel, the valid
 * ids' count and checksum, this server's partial total share (base64 PrioTotalShare), and how many
 * of the chunk's ids this server holds a share for (B uses it to count ids A never sent). On A,
 * {@code holder} is the replica that committed it: only the create-if-absent winner's copy exists,
 * so the chunks per replica counted from the results are exact whatever running counts a crash
 * lost.
 */
public record ChunkResult(
    int chunk,
    Map<String, Long> funnel,
    long validCount,
    String validIdChecksum,
    String totalShare,
    long matched,
    String holder) {

  ChunkResult committedBy(String replica) {
    return new ChunkResult(
        chunk, funnel, validCount, validIdChecksum, totalShare, matched, replica);
  }
}
