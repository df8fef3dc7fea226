package dev.prio.server.peer;

import dev.prio.server.batch.BatchPhase;

/**
 * Round 0, A → B: what both servers must agree on before any share is touched, and A's view of its
 * input. B answers with its own count and id checksum, which pin B's input for the attempt.
 */
public final class Handshake {
  private Handshake() {}

  public record Request(
      int attempt,
      int nData,
      String prgMode,
      String rMode,
      String keyFingerprint,
      String seedFingerprint,
      int chunkSize,
      int chunkCount,
      long submissionCount,
      String idChecksum) {}

  public record Response(long submissionCount, String idChecksum, BatchPhase phase) {}
}
