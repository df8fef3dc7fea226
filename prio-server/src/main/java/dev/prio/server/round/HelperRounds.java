package dev.prio.server.round;

import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchProgress;
import dev.prio.server.batch.BatchState;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.peer.Handshake;
import dev.prio.server.peer.HelperApi;
import dev.prio.server.peer.PacketItem;
import dev.prio.server.peer.Publish;
import dev.prio.server.peer.RoundMessage;
import dev.prio.server.peer.Total;
import dev.prio.server.publish.Publisher;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.InputUnreadableException;
import dev.prio.server.storage.StateCorruptException;
import dev.prio.server.storage.SubmissionReader;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server B's side of every round. Each answer is computed from B's own input and stored before it
 * is sent; a repeated request gets the stored answer, a different request for the same round and
 * chunk is a conflict. Nothing here trusts A: item lists are checked against the chunk, packets
 * against the codecs, B's input against what B agreed at the handshake, and the final aggregate is
 * recombined from B's own share before B holds it pending (see {@link Publish}).
 */
public final class HelperRounds implements HelperApi {
  private final BatchLifecycle lifecycle;
  private final BatchProgress progress;
  private final RoundStore rounds;
  private final PrioMetrics metrics;
  private final HelperHandshake handshake;
  private final HelperStates states;
  private final StoredAnswers answers;
  private final HelperTotal totals;
  private final HelperPublish publishing;
  private final HelperChunks chunks;

  public HelperRounds(
      ProtocolSettings settings,
      BatchLifecycle lifecycle,
      BatchProgress progress,
      RoundStore rounds,
      SubmissionReader reader,
      Publisher publisher,
      PrioMetrics metrics,
      JsonMapper json,
      Spill spill,
      Clock clock,
      int pendingChunks) {
    this.lifecycle = lifecycle;
    this.progress = progress;
    this.rounds = rounds;
    this.metrics = metrics;
    HelperIndexes inputs = new HelperIndexes(reader, rounds, spill);
    this.handshake = new HelperHandshake(settings, lifecycle, rounds, inputs, json, clock);
    this.chunks = new HelperChunks(settings, rounds, inputs, handshake, json, pendingChunks);
    this.totals = new HelperTotal(lifecycle, rounds, metrics, clock);
    this.answers = new StoredAnswers(rounds, json);
    this.states = new HelperStates(lifecycle);
    this.publishing = new HelperPublish(lifecycle, states, rounds, publisher, inputs, json, clock);
  }

  /** A's handshake for an attempt; see {@link HelperHandshake}. */
  @Override
  public Handshake.Response handshake(BatchKey key, Handshake.Request req, String body) {
    return guarded(key, req.attempt(), () -> handshake.answer(key, req, body));
  }

  @Override
  public RoundMessage verify1(BatchKey key, int chunk, RoundMessage req, String body) {
    return round(
        key,
        req.attempt(),
        "verify1",
        chunk,
        body,
        RoundMessage.class,
        state ->
            () -> {
              List<PacketItem> own = chunks.verify1(key, state, chunk, req.items());
              if (state.phase() != BatchPhase.VERIFY) {
                lifecycle.advance(key, state.attempt(), BatchPhase.VERIFY);
              }
              return new RoundMessage(state.attempt(), own);
            });
  }

  @Override
  public RoundMessage verify2(BatchKey key, int chunk, RoundMessage req, String body) {
    return round(
        key,
        req.attempt(),
        "verify2",
        chunk,
        body,
        RoundMessage.class,
        state ->
            () -> {
              HelperChunks.Finished done = chunks.verify2(key, state, chunk, req.items());
              ChunkResult result = done.result();
              if (rounds.saveChunk(key, state.attempt(), result)) {
                progress.chunkDone(key, state.attempt(), result.funnel(), null);
                metrics.chunkDone();
              }
              return new RoundMessage(state.attempt(), done.ownVerify2());
            });
  }

  @Override
  public Total.Response total(BatchKey key, Total.Request req, String body) {
    return round(
        key,
        req.attempt(),
        "total",
        null,
        body,
        Total.Response.class,
        state -> () -> totals.sumUp(key, state, req, handshake.agreedInput(key, state.attempt())));
  }

  @Override
  public Publish.Response publish(BatchKey key, Publish.Request req) {
    if (req.step() == null) {
      throw new ProblemException(
          ProblemType.BAD_REQUEST, "step must be PREPARE, COMMIT, FAILED or ABANDONED");
    }
    return guarded(
        key,
        req.attempt(),
        () ->
            switch (req.step()) {
              case PREPARE -> publishing.prepare(key, req);
              case COMMIT -> publishing.commit(key, req);
              case FAILED, ABANDONED -> publishing.ended(key, req);
            });
  }

  /** A round's answer for the attempt A names: computed once, stored, replayed, and guarded. */
  private <T> T round(
      BatchKey key,
      int attempt,
      String round,
      Integer chunk,
      String body,
      Class<T> type,
      Function<BatchState, StoredAnswers.Compute<T>> compute) {
    return guarded(
        key,
        attempt,
        () -> {
          BatchState state = states.active(key, attempt);
          return answers.answer(key, state, round, chunk, body, type, compute.apply(state));
        });
  }

  /**
   * Runs a round; corrupt stored state, changed or unreadable input ends the attempt on B with its
   * reason and answers A with the same reason, so A ends it too and nothing is published.
   */
  private <T> T guarded(BatchKey key, int attempt, Supplier<T> round) {
    try {
      return round.get();
    } catch (StateCorruptException e) {
      failQuietly(
          key,
          attempt,
          BatchFailure.STATE_CORRUPT,
          "a stored object failed its integrity check: " + e.key());
      throw new ProblemException(
          ProblemType.STATE_CORRUPT,
          "server B's stored state for this batch failed its integrity check");
    } catch (InputChangedException e) {
      failQuietly(key, attempt, BatchFailure.INPUT_CHANGED, e.getMessage());
      throw new ProblemException(ProblemType.INPUT_CHANGED, e.getMessage());
    } catch (InputUnreadableException e) {
      String detail = "server B's input is unreadable: " + e.getMessage();
      failQuietly(key, attempt, BatchFailure.INPUT_UNREADABLE, detail);
      throw new ProblemException(ProblemType.INPUT_UNREADABLE, detail);
    }
  }

  private void failQuietly(BatchKey key, int attempt, BatchFailure failure, String detail) {
    try {
      lifecycle.fail(key, attempt, failure, detail);
    } catch (RuntimeException e) {
      // batch.json itself is what is corrupt or unwritable: the answer to A still carries the
      // reason
    }
  }
}
