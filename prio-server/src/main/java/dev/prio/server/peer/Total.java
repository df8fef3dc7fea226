package dev.prio.server.peer;

import java.util.Map;

/** The total round: each side's count and checksum of valid ids; B adds its total share. */
public final class Total {
  private Total() {}

  public record Request(int attempt, int chunkCount, long validCount, String validIdChecksum) {}

  /**
   * @param totalShare standard base64 of B's PrioTotalShare
   * @param funnel B's submissions by outcome label, including ids A never sent (missing_on_peer)
   * @param peerOnly how many of B's ids A never sent
   */
  public record Response(String totalShare, long validCount, String validIdChecksum, Map<String, Long> funnel, long peerOnly) {}
}
