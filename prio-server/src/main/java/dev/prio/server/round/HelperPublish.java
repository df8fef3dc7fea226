package dev.prio.server.round;

import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.TotalShare;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchState;
import dev.prio.server.peer.Publish;
import dev.prio.server.peer.Total;
import dev.prio.server.publish.Publisher;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.StateCorruptException;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * B's side of the two-sided publish (see {@link Publish}): PREPARE holds A's record pending only if
 * B's own share recombines to it, COMMIT makes B's copy final, and A's notices end the attempt.
 */
final class HelperPublish {
  private final BatchLifecycle lifecycle;
  private final HelperStates states;
  private final RoundStore rounds;
  private final Publisher publisher;
  private final HelperIndexes inputs;
  private final JsonMapper json;
  private final Clock clock;

  HelperPublish(
      BatchLifecycle lifecycle,
      HelperStates states,
      RoundStore rounds,
      Publisher publisher,
      HelperIndexes inputs,
      JsonMapper json,
      Clock clock) {
    this.lifecycle = lifecycle;
    this.states = states;
    this.rounds = rounds;
    this.publisher = publisher;
    this.inputs = inputs;
    this.json = json;
    this.clock = clock;
  }

  Publish.Response prepare(BatchKey key, Publish.Request req) {
    BatchState state = states.active(key, req.attempt());
    if (req.record() == null || req.totalShareA() == null || req.version() < 1) {
      throw new ProblemException(
          ProblemType.BAD_REQUEST, "PREPARE carries A's total share, the record and its version");
    }
    if (state.phase() != BatchPhase.TOTAL && state.phase() != BatchPhase.PUBLISHING) {
      throw new ProblemException(
          ProblemType.PEER_PROTOCOL, "server B has not agreed a total for this batch");
    }
    PrioConfig config = PrioConfig.of(state.nData(), key.batchId());
    if (!publisher.matchesOwnShare(config, req.totalShareA(), ownTotal(key, state), req.record())) {
      lifecycle.fail(
          key,
          state.attempt(),
          BatchFailure.BATCH_MISMATCH,
          "A's aggregate differs from B's recombination");
      throw new ProblemException(
          ProblemType.BATCH_MISMATCH, "the aggregate does not match server B's share");
    }
    Map<String, Long> funnelA = req.funnelA() == null ? Map.of() : req.funnelA();
    PendingPublish proposed = new PendingPublish(req.version(), req.record(), funnelA);
    PendingPublish held =
        rounds.save(
            StorageLayout.publishPending(key, state.attempt()), proposed, PendingPublish.class);
    if (!held.equals(proposed)) {
      throw new ProblemException(
          ProblemType.ROUND_CONFLICT, "server B already holds a different record for this attempt");
    }
    BatchState now =
        lifecycle.advance(
            key,
            state.attempt(),
            BatchPhase.PUBLISHING,
            s -> s.withPeer(BatchPhase.PUBLISHING, funnelA, clock.instant()));
    return new Publish.Response(now.phase());
  }

  Publish.Response commit(BatchKey key, Publish.Request req) {
    BatchState state = states.current(key, req.attempt());
    if (state.phase() == BatchPhase.PUBLISHED && state.publishedVersion() == req.version()) {
      return new Publish.Response(BatchPhase.PUBLISHED);
    }
    PendingPublish held =
        rounds
            .find(StorageLayout.publishPending(key, state.attempt()), PendingPublish.class)
            .orElse(null);
    if (state.phase() != BatchPhase.PUBLISHING || held == null || held.version() != req.version()) {
      throw new ProblemException(
          ProblemType.BATCH_CONFLICT,
          "server B holds no pending record of this version (" + state.phase() + ")");
    }
    publisher.write(key, state, held.version(), held.record(), held.funnelA(), clock.instant());
    BatchState done = lifecycle.published(key, state.attempt(), held.version(), held.funnelA());
    inputs.evict(key, state.attempt());
    return new Publish.Response(done.phase());
  }

  Publish.Response ended(BatchKey key, Publish.Request req) {
    BatchState state = states.current(key, req.attempt());
    BatchPhase outcome =
        req.step() == Publish.Step.FAILED ? BatchPhase.FAILED : BatchPhase.ABANDONED;
    BatchFailure failure = req.failure() == null ? BatchFailure.PEER_REJECTED : req.failure();
    BatchState end = lifecycle.endedByPeer(key, state.attempt(), outcome, failure);
    inputs.evict(key, state.attempt());
    return new Publish.Response(end.phase());
  }

  /** B's own total share, as B answered it at the total round. */
  private TotalShare ownTotal(BatchKey key, BatchState state) {
    Total.Response mine =
        rounds
            .findRound(key, state.attempt(), "total", 0)
            .map(r -> json.readValue(r.response(), Total.Response.class))
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemType.PEER_PROTOCOL, "server B has not answered the total round"));
    try {
      return TotalShareCodec.read(Base64.getDecoder().decode(mine.totalShare()), state.nData());
    } catch (PrioException | IllegalArgumentException e) {
      throw new StateCorruptException(
          StorageLayout.storedRound(key, state.attempt(), "total", 0),
          "total share does not decode");
    }
  }
}
