package dev.prio.server.peer;

import java.util.Map;

/**
 * The total round: each side's count and checksum of valid ids, and a digest over its per-chunk
 * valid counts and id checksums so a chunk that differs stops the batch even where the sums would
 * hide it; B adds its total share.
 */
public final class Total {
  private Total() {}

  public record Request(
      int attempt, int chunkCount, long validCount, String validIdChecksum, String chunkDigest) {}

  /**
   * @param totalShare standard base64 of B's PrioTotalShare
   * @param funnel B's submissions by outcome label, including ids A never sent (missing_on_peer)
   * @param peerOnly how many of B's ids A never sent
   */
  public record Response(
      String totalShare,
      long validCount,
      String validIdChecksum,
      String chunkDigest,
      Map<String, Long> funnel,
      long peerOnly) {}
}
