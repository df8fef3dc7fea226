package dev.prio.server.batch;

import java.time.Instant;
import java.util.Map;

/** What {@code GET /batches/{id}} and the {@code batches} actuator endpoint show of a batch. */
public record BatchView(
    String batchId,
    String submissionDate,
    String server,
    String phase,
    String failure,
    String failureDetail,
    Boolean failureRetryable,
    int attempt,
    int nData,
    Instant createdAt,
    Instant updatedAt,
    Map<String, Instant> phaseEnteredAt,
    int chunksDone,
    int chunksTotal,
    Map<String, Long> submissions,
    Map<String, Long> peerSubmissions,
    String peerPhase,
    Integer publishedVersion,
    Map<String, Long> chunksDoneBy) {

  public static BatchView of(BatchState s) {
    return new BatchView(
        s.batchId(),
        s.submissionDate().toString(),
        s.role().name(),
        s.phase().name(),
        s.failure() == null ? null : s.failure().name(),
        s.failureDetail(),
        s.failure() == null ? null : s.failure().retryable(),
        s.attempt(),
        s.nData(),
        s.createdAt(),
        s.updatedAt(),
        s.phaseEnteredAt(),
        s.chunksDone(),
        s.chunksTotal(),
        s.funnel(),
        s.peerFunnel(),
        s.peerPhase() == null ? null : s.peerPhase().name(),
        s.publishedVersion() == 0 ? null : s.publishedVersion(),
        s.chunksDoneBy().isEmpty() ? null : s.chunksDoneBy());
  }
}
