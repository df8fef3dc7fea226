package dev.prio.server.round;

import static dev.prio.server.round.BatchSteps.call;

import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.TotalShare;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchState;
import dev.prio.server.peer.PeerClient;
import dev.prio.server.peer.Publish;
import dev.prio.server.publish.PublishRecord;
import dev.prio.server.publish.Publisher;
import dev.prio.server.round.BatchSteps.BatchFailed;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.StorageLayout;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

/**
 * A's side of the two-sided publish. In order, each step idempotent and resumable:
 *
 * <ol>
 *   <li>A fixes the record it proposes (pending, in its own state; id and timestamp chosen once);
 *   <li>PREPARE: B recombines the aggregate from its own share and A's, and only if it is the same
 *       keeps the record pending too;
 *   <li>A commits (persisted): from here the attempt can only end PUBLISHED;
 *   <li>COMMIT: B makes its copy final; then A makes its own final and the batch PUBLISHED.
 * </ol>
 *
 * Before the commit any failure leaves nothing under {@code published/} on either side; after it a
 * failure is retried until both copies are final.
 */
final class LeaderPublish {
  private final BatchLifecycle lifecycle;
  private final RoundStore rounds;
  private final PeerClient peer;
  private final Publisher publisher;
  private final Clock clock;

  LeaderPublish(
      BatchLifecycle lifecycle,
      RoundStore rounds,
      PeerClient peer,
      Publisher publisher,
      Clock clock) {
    this.lifecycle = lifecycle;
    this.rounds = rounds;
    this.peer = peer;
    this.publisher = publisher;
    this.clock = clock;
  }

  BatchState publish(BatchKey key, BatchState s, LeaderTotal total) throws BatchFailed {
    String pendingPath = StorageLayout.publishPending(key, s.attempt());
    PendingPublish pending = rounds.find(pendingPath, PendingPublish.class).orElse(null);
    if (pending == null) {
      int version = s.forcePublish() ? s.publishedVersion() + 1 : Math.max(1, s.publishedVersion());
      PublishRecord record =
          Publisher.newRecord(
              aggregate(s, total),
              Funnel.total(s.funnel()) - total.validCount(),
              Funnel.total(s.funnel()),
              clock.instant());
      pending =
          rounds.save(
              pendingPath, new PendingPublish(version, record, s.funnel()), PendingPublish.class);
    }
    PendingPublish p = pending;
    if (!s.committed()) {
      call(
          () ->
              peer.publish(
                  key,
                  Publish.Request.prepare(
                      s.attempt(), p.version(), total.totalShareA(), p.record(), p.funnelA())));
      if (!lifecycle.commit(key, s.attempt())) {
        return lifecycle.find(key).orElseThrow(); // abandoned between PREPARE and the commit
      }
    }
    Publish.Response committed =
        call(() -> peer.publish(key, Publish.Request.commit(s.attempt(), p.version())));
    if (committed.phase() != BatchPhase.PUBLISHED) {
      throw new BatchFailed(
          BatchFailure.PEER_REJECTED, "server B answered COMMIT with " + committed.phase());
    }
    publisher.write(key, s, p.version(), p.record(), total.peer().funnel(), clock.instant());
    return lifecycle.published(key, s.attempt(), p.version(), total.peer().funnel());
  }

  /** A's share and B's, combined once, here: the counts A proposes to publish. */
  private static List<Long> aggregate(BatchState s, LeaderTotal total) throws BatchFailed {
    try {
      PrioConfig config = PrioConfig.of(s.nData(), s.batchId());
      TotalShare a =
          TotalShareCodec.read(Base64.getDecoder().decode(total.totalShareA()), s.nData());
      TotalShare b =
          TotalShareCodec.read(Base64.getDecoder().decode(total.peer().totalShare()), s.nData());
      return Publisher.combine(config, a, b);
    } catch (PrioException | IllegalArgumentException e) {
      throw new BatchFailed(BatchFailure.BATCH_MISMATCH, "server B's total share is not valid");
    }
  }
}
