package dev.prio.server.batch;

import dev.prio.core.packet.ServerId;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * The persisted record of one batch on one server (batch.json). Immutable; every change is a new
 * value written with compare-and-set through {@link BatchRepository}.
 *
 * @param funnel submissions by outcome label ({@code valid} or a reject reason), this server's view
 * @param peerFunnel the other server's funnel as it last reported it
 */
public record BatchState(
    LocalDate submissionDate,
    String batchId,
    ServerId role,
    BatchPhase phase,
    BatchFailure failure,
    String failureDetail,
    int attempt,
    int nData,
    Instant createdAt,
    Instant updatedAt,
    Map<String, Instant> phaseEnteredAt,
    int chunksTotal,
    int chunksDone,
    Map<String, Long> funnel,
    Map<String, Long> peerFunnel,
    String peerPhase,
    int publishedVersion,
    boolean forcePublish) {

  public BatchState {
    phaseEnteredAt = new TreeMap<>(phaseEnteredAt == null ? Map.of() : phaseEnteredAt);
    funnel = new TreeMap<>(funnel == null ? Map.of() : funnel);
    peerFunnel = new TreeMap<>(peerFunnel == null ? Map.of() : peerFunnel);
  }

  public static BatchState received(LocalDate date, String batchId, ServerId role, int nData, Instant now) {
    return new BatchState(date, batchId, role, BatchPhase.RECEIVED, null, null, 1, nData, now, now,
        Map.of(BatchPhase.RECEIVED.label(), now), 0, 0, Map.of(), Map.of(), null, 0, false);
  }

  public BatchState withPhase(BatchPhase next, Instant now) {
    Map<String, Instant> entered = new TreeMap<>(phaseEnteredAt);
    entered.put(next.label(), now);
    return new BatchState(submissionDate, batchId, role, next, failure, failureDetail, attempt, nData, createdAt, now,
        entered, chunksTotal, chunksDone, funnel, peerFunnel, peerPhase, publishedVersion, forcePublish);
  }

  public BatchState failed(BatchFailure reason, String detail, Instant now) {
    BatchState s = withPhase(BatchPhase.FAILED, now);
    return new BatchState(submissionDate, batchId, role, s.phase, reason, detail, attempt, nData, createdAt, now,
        s.phaseEnteredAt, chunksTotal, chunksDone, funnel, peerFunnel, peerPhase, publishedVersion, forcePublish);
  }

  /** A new attempt from the start: counts and chunk progress reset, history kept in attempt and version. */
  public BatchState rerun(boolean force, Instant now) {
    return new BatchState(submissionDate, batchId, role, BatchPhase.RECEIVED, null, null, attempt + 1, nData, createdAt,
        now, Map.of(BatchPhase.RECEIVED.label(), now), 0, 0, Map.of(), Map.of(), null, publishedVersion, force);
  }

  public BatchState withProgress(int total, int done, Map<String, Long> counts, Instant now) {
    return new BatchState(submissionDate, batchId, role, phase, failure, failureDetail, attempt, nData, createdAt, now,
        phaseEnteredAt, total, done, counts, peerFunnel, peerPhase, publishedVersion, forcePublish);
  }

  /** One more finished chunk, its funnel added to the running counts. */
  public BatchState withChunkDone(Map<String, Long> chunkFunnel, Instant now) {
    Map<String, Long> counts = new TreeMap<>(funnel);
    chunkFunnel.forEach((k, v) -> counts.merge(k, v, Long::sum));
    return withProgress(chunksTotal, chunksDone + 1, counts, now);
  }

  public BatchState withPeer(String phaseOfPeer, Map<String, Long> counts, Instant now) {
    return new BatchState(submissionDate, batchId, role, phase, failure, failureDetail, attempt, nData, createdAt, now,
        phaseEnteredAt, chunksTotal, chunksDone, funnel, counts == null ? peerFunnel : counts, phaseOfPeer,
        publishedVersion, forcePublish);
  }

  public BatchState withPublishedVersion(int version, Instant now) {
    return new BatchState(submissionDate, batchId, role, phase, failure, failureDetail, attempt, nData, createdAt, now,
        phaseEnteredAt, chunksTotal, chunksDone, funnel, peerFunnel, peerPhase, version, forcePublish);
  }

  /** B's state for attempt n, created by A's handshake. */
  public static BatchState handshake(LocalDate date, String batchId, int attempt, int nData, int chunks, Instant now) {
    return new BatchState(date, batchId, ServerId.B, BatchPhase.HANDSHAKE, null, null, attempt, nData, now, now,
        Map.of(BatchPhase.HANDSHAKE.label(), now), chunks, 0, Map.of(), Map.of(), BatchPhase.HANDSHAKE.label(), 0, false);
  }
}
