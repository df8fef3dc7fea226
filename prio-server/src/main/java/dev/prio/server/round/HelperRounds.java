package dev.prio.server.round;

import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchPhase;
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
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private static final int PENDING_LIMIT = 64;
  private final ProtocolSettings settings;
  private final BatchLifecycle lifecycle;
  private final RoundStore rounds;
  private final Publisher publisher;
  private final PrioMetrics metrics;
  private final JsonMapper json;
  private final Clock clock;
  private final HelperIndexes inputs;
  private final HelperHandshake handshake;
  /**
   * Chunks between their verify1 and verify2 on this replica: only a cache (a miss rebuilds the
   * work from the stored verify1 request). Bounded, because with several replicas of B the
   * verify2 often goes to another one and this replica never hears of the chunk again.
   */
  private final Map<String, ChunkWork> pending = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ChunkWork> eldest) {
      return size() > PENDING_LIMIT;
    }
  });

  public HelperRounds(ProtocolSettings settings, BatchLifecycle lifecycle, RoundStore rounds, SubmissionReader reader,
      Publisher publisher, PrioMetrics metrics, JsonMapper json, Spill spill, Clock clock) {
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.rounds = rounds;
    this.publisher = publisher;
    this.metrics = metrics;
    this.json = json;
    this.clock = clock;
    this.inputs = new HelperIndexes(reader, rounds, spill);
    this.handshake = new HelperHandshake(settings, lifecycle, rounds, inputs, json, clock);
  }

  /** A's handshake for an attempt; see {@link HelperHandshake}. */
  @Override
  public Handshake.Response handshake(BatchKey key, Handshake.Request req, String body) {
    return guarded(key, req.attempt(), () -> handshake.answer(key, req, body));
  }

  @Override
  public RoundMessage verify1(BatchKey key, int chunk, RoundMessage req, String body) {
    return guarded(key, req.attempt(), () -> {
      BatchState state = activeState(key, req.attempt());
      return answer(key, state, "verify1", chunk, body, RoundMessage.class, () -> {
        ChunkWork work = newWork(key, state, chunk, req.items());
        List<PacketItem> own = work.verify1();
        work.verify2(req.items());
        pending.put(pendingKey(key, state.attempt(), chunk), work);
        lifecycle.advance(key, state.attempt(), BatchPhase.VERIFY);
        return new RoundMessage(state.attempt(), own);
      });
    });
  }

  @Override
  public RoundMessage verify2(BatchKey key, int chunk, RoundMessage req, String body) {
    return guarded(key, req.attempt(), () -> {
      BatchState state = activeState(key, req.attempt());
      return answer(key, state, "verify2", chunk, body, RoundMessage.class, () -> {
        ChunkWork work = pending.remove(pendingKey(key, state.attempt(), chunk));
        RoundMessage first = storedVerify1Request(key, state.attempt(), chunk);
        if (work == null) {
          work = newWork(key, state, chunk, first.items());
          work.verify1();
        }
        List<PacketItem> own = work.verify2(first.items());
        ChunkResult result = work.finish(req.items());
        if (rounds.saveChunk(key, state.attempt(), result)) {
          lifecycle.progress(key, state.attempt(), s -> s.withChunkDone(result.funnel(), clock.instant()));
          metrics.chunkDone();
        }
        return new RoundMessage(state.attempt(), own);
      });
    });
  }

  @Override
  public Total.Response total(BatchKey key, Total.Request req, String body) {
    return guarded(key, req.attempt(), () -> {
      BatchState state = activeState(key, req.attempt());
      return answer(key, state, "total", null, body, Total.Response.class, () -> sumUp(key, state, req));
    });
  }

  private Total.Response sumUp(BatchKey key, BatchState state, Total.Request req) {
    if (req.chunkCount() != state.chunksTotal()) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, "chunk count differs from the handshake");
    }
    ChunkTotals totals = ChunkTotals.of(PrioConfig.of(state.nData(), key.batchId()), ServerId.B, req.chunkCount(),
        c -> rounds.findChunk(key, state.attempt(), c).orElseThrow(
            () -> new ProblemException(ProblemType.PEER_PROTOCOL, "chunk " + c + " has not finished on server B")));
    HelperIndex input = input(key, state.attempt());
    long peerOnly = input.uniqueCount() - totals.matched();
    if (peerOnly < 0) {
      throw new InputChangedException("server B holds fewer ids than its chunks matched");
    }
    Funnel funnel = totals.funnel();
    funnel.addAll(input.localRejects());
    funnel.add(RejectReason.MISSING_ON_PEER.label(), peerOnly);
    if (totals.validCount() != req.validCount() || !totals.validIds().hex().equals(req.validIdChecksum())
        || !totals.chunkDigest().equals(req.chunkDigest())) {
      lifecycle.fail(key, state.attempt(), BatchFailure.BATCH_MISMATCH, "valid submissions differ between the servers");
      throw new ProblemException(ProblemType.BATCH_MISMATCH, "server B counted different valid submissions");
    }
    funnel.toMap().forEach(metrics::submission);
    lifecycle.advance(key, state.attempt(), BatchPhase.TOTAL,
        s -> s.withProgress(s.chunksTotal(), req.chunkCount(), funnel.toMap(), clock.instant()).withPeer(BatchPhase.TOTAL, null, clock.instant()));
    return new Total.Response(totals.totalShareBase64(), totals.validCount(), totals.validIds().hex(), totals.chunkDigest(),
        funnel.toMap(), peerOnly);
  }

  @Override
  public Publish.Response publish(BatchKey key, Publish.Request req) {
    if (req.step() == null) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "step must be PREPARE, COMMIT, FAILED or ABANDONED");
    }
    return guarded(key, req.attempt(), () -> switch (req.step()) {
      case PREPARE -> prepare(key, req);
      case COMMIT -> commit(key, req);
      case FAILED, ABANDONED -> ended(key, req);
    });
  }

  private Publish.Response prepare(BatchKey key, Publish.Request req) {
    BatchState state = activeState(key, req.attempt());
    if (req.record() == null || req.totalShareA() == null || req.version() < 1) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "PREPARE carries A's total share, the record and its version");
    }
    if (state.phase() != BatchPhase.TOTAL && state.phase() != BatchPhase.PUBLISHING) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, "server B has not agreed a total for this batch");
    }
    PrioConfig config = PrioConfig.of(state.nData(), key.batchId());
    if (!publisher.matchesOwnShare(config, req.totalShareA(), ownTotal(key, state), req.record())) {
      lifecycle.fail(key, state.attempt(), BatchFailure.BATCH_MISMATCH, "A's aggregate differs from B's recombination");
      throw new ProblemException(ProblemType.BATCH_MISMATCH, "the aggregate does not match server B's share");
    }
    Map<String, Long> funnelA = req.funnelA() == null ? Map.of() : req.funnelA();
    PendingPublish proposed = new PendingPublish(req.version(), req.record(), funnelA);
    PendingPublish held = rounds.save(StorageLayout.publishPending(key, state.attempt()), proposed, PendingPublish.class);
    if (!held.equals(proposed)) {
      throw new ProblemException(ProblemType.ROUND_CONFLICT, "server B already holds a different record for this attempt");
    }
    BatchState now = lifecycle.advance(key, state.attempt(), BatchPhase.PUBLISHING,
        s -> s.withPeer(BatchPhase.PUBLISHING, funnelA, clock.instant()));
    return new Publish.Response(now.phase());
  }

  private Publish.Response commit(BatchKey key, Publish.Request req) {
    BatchState state = currentAttempt(key, req.attempt());
    if (state.phase() == BatchPhase.PUBLISHED && state.publishedVersion() == req.version()) {
      return new Publish.Response(BatchPhase.PUBLISHED);
    }
    PendingPublish held = rounds.find(StorageLayout.publishPending(key, state.attempt()), PendingPublish.class).orElse(null);
    if (state.phase() != BatchPhase.PUBLISHING || held == null || held.version() != req.version()) {
      throw new ProblemException(ProblemType.BATCH_CONFLICT, "server B holds no pending record of this version ("
          + state.phase() + ")");
    }
    publisher.write(key, state, held.version(), held.record(), held.funnelA(), clock.instant());
    BatchState done = lifecycle.published(key, state.attempt(), held.version(), held.funnelA());
    inputs.evict(key, state.attempt());
    return new Publish.Response(done.phase());
  }

  private Publish.Response ended(BatchKey key, Publish.Request req) {
    BatchState state = currentAttempt(key, req.attempt());
    BatchPhase outcome = req.step() == Publish.Step.FAILED ? BatchPhase.FAILED : BatchPhase.ABANDONED;
    BatchFailure failure = req.failure() == null ? BatchFailure.PEER_REJECTED : req.failure();
    BatchState end = lifecycle.endedByPeer(key, state.attempt(), outcome, failure);
    inputs.evict(key, state.attempt());
    return new Publish.Response(end.phase());
  }

  /** B's own total share, as B answered it at the total round. */
  private TotalShare ownTotal(BatchKey key, BatchState state) {
    Total.Response mine = rounds.findRound(key, state.attempt(), "total", 0)
        .map(r -> json.readValue(r.response(), Total.Response.class))
        .orElseThrow(() -> new ProblemException(ProblemType.PEER_PROTOCOL, "server B has not answered the total round"));
    try {
      return TotalShareCodec.read(Base64.getDecoder().decode(mine.totalShare()), state.nData());
    } catch (PrioException | IllegalArgumentException e) {
      throw new StateCorruptException(StorageLayout.storedRound(key, state.attempt(), "total", 0), "total share does not decode");
    }
  }

  /**
   * B's input for the attempt, checked against what B agreed at the handshake: after a restart B
   * reads its input again, and it must be the same submissions.
   */
  private HelperIndex input(BatchKey key, int attempt) {
    HelperIndex input = inputs.get(key, attempt);
    Handshake.Response agreed = handshake.agreed(key, attempt);
    if (input.uniqueCount() != agreed.submissionCount() || !input.idChecksum().equals(agreed.idChecksum())) {
      inputs.evict(key, attempt);
      throw new InputChangedException("server B's input changed since the handshake: " + input.uniqueCount()
          + " submissions now, " + agreed.submissionCount() + " agreed");
    }
    return input;
  }

  /**
   * Runs a round; corrupt stored state or changed input ends the attempt on B with its reason and
   * answers A with the same reason, so A ends it too and nothing is published.
   */
  private <T> T guarded(BatchKey key, int attempt, Supplier<T> round) {
    try {
      return round.get();
    } catch (StateCorruptException e) {
      failQuietly(key, attempt, BatchFailure.STATE_CORRUPT, "a stored object failed its integrity check: " + e.key());
      throw new ProblemException(ProblemType.STATE_CORRUPT, "server B's stored state for this batch failed its integrity check");
    } catch (InputChangedException e) {
      failQuietly(key, attempt, BatchFailure.INPUT_CHANGED, e.getMessage());
      throw new ProblemException(ProblemType.INPUT_CHANGED, e.getMessage());
    }
  }

  private void failQuietly(BatchKey key, int attempt, BatchFailure failure, String detail) {
    try {
      lifecycle.fail(key, attempt, failure, detail);
    } catch (RuntimeException e) {
      // batch.json itself is what is corrupt or unwritable: the answer to A still carries the reason
    }
  }

  private interface Compute<T> {
    T get() throws PeerProtocolException;
  }

  /** @param chunk the chunk a per-chunk round is for; null for a batch-level round */
  private <T> T answer(BatchKey key, BatchState state, String round, Integer chunk, String body, Class<T> type, Compute<T> compute) {
    if (chunk != null && (chunk < 0 || chunk >= state.chunksTotal())) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, "chunk index outside the handshake's chunk count");
    }
    int index = chunk == null ? 0 : chunk;
    String digest = RoundStore.digest(body);
    var stored = rounds.findRound(key, state.attempt(), round, index);
    if (stored.isPresent()) {
      return replay(stored.get(), digest, type);
    }
    T response;
    try {
      response = compute.get();
    } catch (PeerProtocolException e) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, e.getMessage());
    }
    var saved = rounds.saveRound(key, state.attempt(), round, index,
        RoundStore.StoredRound.answered(digest, body, json.writeValueAsString(response)));
    return replay(saved, digest, type);
  }

  private <T> T replay(RoundStore.StoredRound stored, String digest, Class<T> type) {
    if (!stored.requestDigest().equals(digest)) {
      throw new ProblemException(ProblemType.ROUND_CONFLICT, "a different request was already answered for this round and chunk");
    }
    return json.readValue(stored.response(), type);
  }

  private RoundMessage storedVerify1Request(BatchKey key, int attempt, int chunk) {
    return rounds.findRound(key, attempt, "verify1", chunk)
        .map(r -> json.readValue(r.request(), RoundMessage.class))
        .orElseThrow(() -> new ProblemException(ProblemType.PEER_PROTOCOL, "verify2 before verify1 for this chunk"));
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

  /** The batch in the attempt A names, still running on B. */
  private BatchState activeState(BatchKey key, int attempt) {
    BatchState state = currentAttempt(key, attempt);
    if (state.phase().isTerminal()) {
      throw new ProblemException(ProblemType.BATCH_CONFLICT, "the batch already ended on server B as " + state.phase());
    }
    return state;
  }

  private BatchState currentAttempt(BatchKey key, int attempt) {
    BatchState state = lifecycle.find(key).orElseThrow(
        () -> new ProblemException(ProblemType.UNKNOWN_BATCH, "no handshake for this batch on server B"));
    if (state.attempt() != attempt) {
      throw new ProblemException(ProblemType.STALE_ATTEMPT, "attempt " + attempt + " is not server B's current attempt");
    }
    return state;
  }

  private static String pendingKey(BatchKey key, int attempt, int chunk) {
    return key + "#" + attempt + "#" + chunk;
  }
}
