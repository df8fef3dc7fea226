package dev.prio.server.round;

import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchState;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.peer.Total;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;

/** Server B's answer to A's total round, computed once per attempt (the answer is then stored). */
final class HelperTotal {
  private final BatchLifecycle lifecycle;
  private final RoundStore rounds;
  private final PrioMetrics metrics;
  private final Clock clock;

  HelperTotal(BatchLifecycle lifecycle, RoundStore rounds, PrioMetrics metrics, Clock clock) {
    this.lifecycle = lifecycle;
    this.rounds = rounds;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * B's total round: its own sum over its chunks, compared with A's count, id checksum and
   * per-chunk digest; agreement moves B to TOTAL, a difference ends the attempt as BATCH_MISMATCH.
   */
  Total.Response sumUp(BatchKey key, BatchState state, Total.Request req, HelperIndex input) {
    if (req.chunkCount() != state.chunksTotal()) {
      throw new ProblemException(
          ProblemType.PEER_PROTOCOL, "chunk count differs from the handshake");
    }
    ChunkTotals totals =
        ChunkTotals.of(
            PrioConfig.of(state.nData(), key.batchId()),
            ServerId.B,
            req.chunkCount(),
            c ->
                rounds
                    .findChunk(key, state.attempt(), c)
                    .orElseThrow(
                        () ->
                            new ProblemException(
                                ProblemType.PEER_PROTOCOL,
                                "chunk " + c + " has not finished on server B")));
    long peerOnly = input.uniqueCount() - totals.matched();
    if (peerOnly < 0) {
      throw new InputChangedException("server B holds fewer ids than its chunks matched");
    }
    Funnel funnel = totals.funnel();
    funnel.addAll(input.localRejects());
    funnel.add(RejectReason.MISSING_ON_PEER.label(), peerOnly);
    if (totals.validCount() != req.validCount()
        || !totals.validIds().hex().equals(req.validIdChecksum())
        || !totals.chunkDigest().equals(req.chunkDigest())) {
      lifecycle.fail(
          key,
          state.attempt(),
          BatchFailure.BATCH_MISMATCH,
          "valid submissions differ between the servers");
      throw new ProblemException(
          ProblemType.BATCH_MISMATCH, "server B counted different valid submissions");
    }
    funnel.toMap().forEach(metrics::submission);
    lifecycle.advance(
        key,
        state.attempt(),
        BatchPhase.TOTAL,
        s ->
            s.withProgress(s.chunksTotal(), req.chunkCount(), funnel.toMap(), clock.instant())
                .withPeer(BatchPhase.TOTAL, null, clock.instant()));
    return new Total.Response(
        totals.totalShareBase64(),
        totals.validCount(),
        totals.validIds().hex(),
        totals.chunkDigest(),
        funnel.toMap(),
        peerOnly);
  }
}
