package dev.prio.server.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.BatchWindow;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * The persisted record of one batch on one server (batch.json). Immutable; every change is a new
 * value written with compare-and-set through {@link BatchRepository}, and every phase change goes
 * through {@link BatchLifecycle}.
 *
 * @param window the window within the date ({@link BatchWindow}); empty, and then absent from the
 *     stored JSON, for a whole-day batch, whose batch.json stays as it was before windows
 * @param funnel submissions by outcome label ({@code valid} or a reject reason), this server's view
 * @param peerFunnel the other server's funnel as it last reported it
 * @param peerPhase the other server's phase for this attempt as it last answered (on A: B's; on B:
 *     A's)
 * @param committed both servers hold the same pending aggregate and A has decided to publish it:
 *     from here the attempt can only end PUBLISHED (design: the two-sided publish)
 * @param chunksDone finished chunks; while in VERIFY a running count written at most every {@code
 *     prio.batch.progress-interval} per replica, and from the total round on exact (counted from
 *     the stored chunk results)
 * @param chunksDoneBy on A, finished chunks by the lease holder (replica) that committed them; as
 *     {@code chunksDone}
 */
public record BatchState(
    LocalDate submissionDate,
    String batchId,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String window,
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
    BatchPhase peerPhase,
    int publishedVersion,
    boolean forcePublish,
    boolean committed,
    Map<String, Long> chunksDoneBy) {

  public BatchState {
    window = BatchWindow.check(window);
    phaseEnteredAt = new TreeMap<>(phaseEnteredAt == null ? Map.of() : phaseEnteredAt);
    funnel = new TreeMap<>(funnel == null ? Map.of() : funnel);
    peerFunnel = new TreeMap<>(peerFunnel == null ? Map.of() : peerFunnel);
    chunksDoneBy = new TreeMap<>(chunksDoneBy == null ? Map.of() : chunksDoneBy);
  }

  public static BatchState received(BatchKey key, ServerId role, int nData, Instant now) {
    return new BatchState(
        key.submissionDate(),
        key.batchId(),
        key.window(),
        role,
        BatchPhase.RECEIVED,
        null,
        null,
        1,
        nData,
        now,
        now,
        Map.of(BatchPhase.RECEIVED.label(), now),
        0,
        0,
        Map.of(),
        Map.of(),
        null,
        0,
        false,
        false,
        Map.of());
  }

  /**
   * On A: the attempt ended FAILED or ABANDONED after B took part, and B has not acknowledged it,
   * so A must tell B (again).
   */
  public boolean peerUntold() {
    return role == ServerId.A
        && (phase == BatchPhase.FAILED || phase == BatchPhase.ABANDONED)
        && peerPhase != phase
        && phaseEnteredAt.containsKey(BatchPhase.HANDSHAKE.label());
  }

  /** Ended with nothing left to tell the peer: no sweep needs to look at it again. */
  public boolean settled() {
    return phase.isTerminal() && !peerUntold();
  }

  /** B's state for attempt n, created by A's handshake. */
  public static BatchState handshake(
      BatchKey key, int attempt, int nData, int chunks, Instant now) {
    return new BatchState(
        key.submissionDate(),
        key.batchId(),
        key.window(),
        ServerId.B,
        BatchPhase.HANDSHAKE,
        null,
        null,
        attempt,
        nData,
        now,
        now,
        Map.of(BatchPhase.HANDSHAKE.label(), now),
        chunks,
        0,
        Map.of(),
        Map.of(),
        BatchPhase.HANDSHAKE,
        0,
        false,
        false,
        Map.of());
  }

  private Builder with(Instant now) {
    Builder b = new Builder(this);
    b.updatedAt = now;
    return b;
  }

  BatchState withPhase(BatchPhase next, Instant now) {
    Builder b = with(now);
    b.phase = next;
    b.phaseEnteredAt.put(next.label(), now);
    return b.build();
  }

  BatchState failed(BatchFailure reason, String detail, Instant now) {
    Builder b = new Builder(withPhase(BatchPhase.FAILED, now));
    b.failure = reason;
    b.failureDetail = detail;
    return b.build();
  }

  /**
   * A new attempt from the start: counts and chunk progress reset, history kept in attempt and
   * version.
   */
  BatchState rerun(boolean force, Instant now) {
    return new BatchState(
        submissionDate,
        batchId,
        window,
        role,
        BatchPhase.RECEIVED,
        null,
        null,
        attempt + 1,
        nData,
        createdAt,
        now,
        Map.of(BatchPhase.RECEIVED.label(), now),
        0,
        0,
        Map.of(),
        Map.of(),
        null,
        publishedVersion,
        force,
        false,
        Map.of());
  }

  BatchState committed(Instant now) {
    Builder b = with(now);
    b.committed = true;
    return b.build();
  }

  BatchState withPublishedVersion(int version, Instant now) {
    Builder b = with(now);
    b.publishedVersion = version;
    return b.build();
  }

  public BatchState withProgress(int total, int done, Map<String, Long> counts, Instant now) {
    Builder b = with(now);
    b.chunksTotal = total;
    b.chunksDone = done;
    b.funnel = counts;
    return b.build();
  }

  /**
   * Chunks finished since the last write ({@link BatchProgress}): their count and funnels added to
   * the running counts, and on A counted for the replicas that committed them.
   */
  BatchState plusChunks(
      int chunks, Map<String, Long> chunkFunnel, Map<String, Long> byHolder, Instant now) {
    Map<String, Long> counts = new TreeMap<>(funnel);
    chunkFunnel.forEach((k, v) -> counts.merge(k, v, Long::sum));
    Builder b = new Builder(withProgress(chunksTotal, chunksDone + chunks, counts, now));
    byHolder.forEach((k, v) -> b.chunksDoneBy.merge(k, v, Long::sum));
    return b.build();
  }

  /**
   * Finished chunks per replica exactly as the stored chunk results say (A's total round): whatever
   * running counts a crashed replica never wrote are replaced.
   */
  public BatchState withChunksDoneBy(Map<String, Long> byHolder, Instant now) {
    Builder b = with(now);
    b.chunksDoneBy.clear();
    b.chunksDoneBy.putAll(byHolder);
    return b.build();
  }

  /** What the other server last said; a null argument keeps what is known. */
  public BatchState withPeer(BatchPhase phaseOfPeer, Map<String, Long> counts, Instant now) {
    Builder b = with(now);
    b.peerPhase = phaseOfPeer == null ? peerPhase : phaseOfPeer;
    b.peerFunnel = counts == null ? peerFunnel : counts;
    return b.build();
  }

  /** Field-by-field copy for the few changes above; keeps each one a line or two. */
  private static final class Builder {
    private final BatchState s;
    private BatchPhase phase;
    private BatchFailure failure;
    private String failureDetail;
    private Instant updatedAt;
    private final Map<String, Instant> phaseEnteredAt;
    private int chunksTotal;
    private int chunksDone;
    private Map<String, Long> funnel;
    private Map<String, Long> peerFunnel;
    private BatchPhase peerPhase;
    private int publishedVersion;
    private boolean committed;
    private final Map<String, Long> chunksDoneBy;

    Builder(BatchState s) {
      this.s = s;
      phase = s.phase;
      failure = s.failure;
      failureDetail = s.failureDetail;
      updatedAt = s.updatedAt;
      phaseEnteredAt = new TreeMap<>(s.phaseEnteredAt);
      chunksTotal = s.chunksTotal;
      chunksDone = s.chunksDone;
      funnel = s.funnel;
      peerFunnel = s.peerFunnel;
      peerPhase = s.peerPhase;
      publishedVersion = s.publishedVersion;
      committed = s.committed;
      chunksDoneBy = new TreeMap<>(s.chunksDoneBy);
    }

    BatchState build() {
      return new BatchState(
          s.submissionDate,
          s.batchId,
          s.window,
          s.role,
          phase,
          failure,
          failureDetail,
          s.attempt,
          s.nData,
          s.createdAt,
          updatedAt,
          phaseEnteredAt,
          chunksTotal,
          chunksDone,
          funnel,
          peerFunnel,
          peerPhase,
          publishedVersion,
          s.forcePublish,
          committed,
          chunksDoneBy);
    }
  }
}
