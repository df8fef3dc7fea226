package dev.prio.server.round;

import dev.prio.core.packet.PrioConfig;
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
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.StateCorruptException;
import dev.prio.server.storage.SubmissionReader;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
  private final ProtocolSettings settings;
  private final BatchLifecycle lifecycle;
  private final BatchProgress progress;
  private final RoundStore rounds;
  private final Publisher publisher;
  private final PrioMetrics metrics;
  private final JsonMapper json;
  private final Clock clock;
  private final HelperIndexes inputs;
  private final HelperHandshake handshake;
  private final HelperStates states;
  private final StoredAnswers answers;
  private final HelperTotal totals;
  private final HelperPublish publishing;

  private final PendingChunks pending;

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
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.progress = progress;
    this.rounds = rounds;
    this.publisher = publisher;
    this.metrics = metrics;
    this.json = json;
    this.clock = clock;
    this.pending = new PendingChunks(pendingChunks);
    this.inputs = new HelperIndexes(reader, rounds, spill);
    this.handshake = new HelperHandshake(settings, lifecycle, rounds, inputs, json, clock);
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
              ChunkWork work = newWork(key, state, chunk, req.items());
              List<PacketItem> own = work.verify1();
              work.verify2(req.items());
              pending.put(pendingKey(key, state.attempt(), chunk), work);
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
              ChunkWork work = pending.take(pendingKey(key, state.attempt(), chunk));
              if (work == null) { // verify1 went to another replica, or this one forgot it
                List<PacketItem> first = storedVerify1Request(key, state.attempt(), chunk).items();
                work = newWork(key, state, chunk, first);
                work.verify1();
                work.verify2(first);
              }
              List<PacketItem> own = work.ownVerify2();
              ChunkResult result = work.finish(req.items());
              if (rounds.saveChunk(key, state.attempt(), result)) {
                progress.chunkDone(key, state.attempt(), result.funnel(), null);
                metrics.chunkDone();
              }
              return new RoundMessage(state.attempt(), own);
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
        state -> () -> totals.sumUp(key, state, req, input(key, state.attempt())));
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

  /**
   * B's input for the attempt, checked against what B agreed at the handshake: after a restart B
   * reads its input again, and it must be the same submissions.
   */
  private HelperIndex input(BatchKey key, int attempt) {
    HelperIndex input = inputs.get(key, attempt);
    Handshake.Response agreed = handshake.agreed(key, attempt);
    if (input.uniqueCount() != agreed.submissionCount()
        || !input.idChecksum().equals(agreed.idChecksum())) {
      inputs.evict(key, attempt);
      throw new InputChangedException(
          "server B's input changed since the handshake: "
              + input.uniqueCount()
              + " submissions now, "
              + agreed.submissionCount()
              + " agreed");
    }
    return input;
  }

  /**
   * Runs a round; corrupt stored state or changed input ends the attempt on B with its reason and
   * answers A with the same reason, so A ends it too and nothing is published.
   */
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

  private RoundMessage storedVerify1Request(BatchKey key, int attempt, int chunk) {
    return rounds
        .findRound(key, attempt, "verify1", chunk)
        .map(r -> json.readValue(r.request(), RoundMessage.class))
        .orElseThrow(
            () ->
                new ProblemException(
                    ProblemType.PEER_PROTOCOL, "verify2 before verify1 for this chunk"));
  }

  private ChunkWork newWork(BatchKey key, BatchState state, int chunk, List<PacketItem> items) {
    HelperIndex input = input(key, state.attempt());
    List<String> ids = new ArrayList<>(items.size());
    for (PacketItem item : items) {
      if (item == null || item.id() == null) {
        throw new ProblemException(ProblemType.PEER_PROTOCOL, "round item without an id");
      }
      ids.add(item.id());
    }
    if (new HashSet<>(ids).size() != ids.size()) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, "an id appears twice in one chunk");
    }
    Map<String, InputLine> lines = inputs.lines(key, state.attempt(), input, ids);
    PrioConfig config = PrioConfig.of(state.nData(), key.batchId());
    return new ChunkWork(chunk, settings.server(config), ids, lines);
  }

  private static String pendingKey(BatchKey key, int attempt, int chunk) {
    return key + "#" + attempt + "#" + chunk;
  }
}
