package dev.prio.server.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.prio.server.storage.BatchWindow;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/**
 * What {@code GET /batches/{id}} and the {@code batches} actuator endpoint show of a batch. A
 * whole-day batch has no {@code window}, so its view is what it was before windows.
 */
public record BatchView(
    String batchId,
    String submissionDate,
    @Schema(
            description =
                "The window within the submission date (UTC start, hHH or hHHmMM); absent for a"
                    + " whole-day batch.",
            pattern = BatchWindow.PATTERN)
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        String window,
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
        s.window(),
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
