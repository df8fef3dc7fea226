package dev.prio.server.round;

import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchState;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.peer.Handshake;
import dev.prio.server.peer.PacketItem;
import dev.prio.server.peer.Publish;
import dev.prio.server.peer.RoundMessage;
import dev.prio.server.peer.Total;
import dev.prio.server.publish.Publisher;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.SubmissionReader;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server B's side of every round. Each answer is computed from B's own input and stored before it
 * is sent; a repeated request gets the stored answer, a different request for the same round and
 * chunk is a conflict. Nothing here trusts A: item lists are checked against the chunk, packets
 * against the codecs, and the final aggregate is recombined from B's own share.
 */
public final class HelperRounds {
  private final ProtocolSettings settings;
  private final BatchRepository batches;
  private final RoundStore rounds;
  private final Publisher publisher;
  private final PrioMetrics metrics;
  private final JsonMapper json;
  private final Clock clock;
  private final HelperInputs inputs;
  private final HelperHandshake handshake;
  private final Map<String, ChunkWork> pending = new ConcurrentHashMap<>();

  public HelperRounds(ProtocolSettings settings, BatchRepository batches, RoundStore rounds, SubmissionReader reader,
      Publisher publisher, PrioMetrics metrics, JsonMapper json, Clock clock) {
    this.settings = settings;
    this.batches = batches;
    this.rounds = rounds;
    this.publisher = publisher;
    this.metrics = metrics;
    this.json = json;
    this.clock = clock;
    this.inputs = new HelperInputs(reader);
    this.handshake = new HelperHandshake(settings, batches, rounds, inputs, metrics, json, clock);
  }

  /** A's handshake for an attempt; see {@link HelperHandshake}. */
  public Handshake.Response handshake(BatchKey key, Handshake.Request req, String body) {
    return handshake.answer(key, req, body);
  }

  public RoundMessage verify1(BatchKey key, int chunk, RoundMessage req, String body) {
    BatchState state = activeState(key, req.attempt());
    return answer(key, state, "verify1", chunk, body, () -> {
      ChunkWork work = newWork(key, state, chunk, req.items());
      List<PacketItem> own = work.verify1();
      work.verify2(req.items());
      pending.put(pendingKey(key, state.attempt(), chunk), work);
      if (state.phase() == BatchPhase.HANDSHAKE) {
        batches.update(key, s -> s.phase() == BatchPhase.HANDSHAKE ? s.withPhase(BatchPhase.VERIFY, clock.instant()) : s);
      }
      return new RoundMessage(state.attempt(), own);
    });
  }

  public RoundMessage verify2(BatchKey key, int chunk, RoundMessage req, String body) {
    BatchState state = activeState(key, req.attempt());
    return answer(key, state, "verify2", chunk, body, () -> {
      ChunkWork work = pending.remove(pendingKey(key, state.attempt(), chunk));
      RoundMessage first = storedVerify1Request(key, state.attempt(), chunk);
      if (work == null) {
        work = newWork(key, state, chunk, first.items());
        work.verify1();
      }
      List<PacketItem> own = work.verify2(first.items());
      ChunkResult result = work.finish(req.items());
      if (rounds.saveChunk(key, state.attempt(), result)) {
        int attempt = state.attempt();
        batches.update(key, s -> s.attempt() == attempt && !s.phase().isTerminal()
            ? s.withChunkDone(result.funnel(), clock.instant()) : s);
      }
      return new RoundMessage(state.attempt(), own);
    });
  }

  public Total.Response total(BatchKey key, Total.Request req) {
    BatchState state = activeState(key, req.attempt());
    PrioConfig config = PrioConfig.of(state.nData(), key.batchId());
    List<ChunkResult> chunks = new ArrayList<>();
    for (int c = 0; c < req.chunkCount(); c++) {
      int chunk = c;
      chunks.add(rounds.findChunk(key, state.attempt(), c).orElseThrow(
          () -> new ProblemException(ProblemType.PEER_PROTOCOL, "chunk " + chunk + " has not finished on server B")));
    }
    if (req.chunkCount() != state.chunksTotal()) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, "chunk count differs from the handshake");
    }
    ChunkTotals totals = ChunkTotals.of(config, ServerId.B, chunks);
    HelperInput input = inputs.get(key, state.attempt());
    long peerOnly = input.uniqueCount() - totals.matched();
    Funnel funnel = totals.funnel();
    funnel.addAll(input.localRejects());
    funnel.add(RejectReason.MISSING_ON_PEER.label(), peerOnly);
    boolean agree = totals.validCount() == req.validCount() && totals.validIds().hex().equals(req.validIdChecksum());
    if (state.phase() == BatchPhase.VERIFY || state.phase() == BatchPhase.HANDSHAKE) {
      funnel.toMap().forEach(metrics::submission);
    }
    batches.update(key, s -> {
      BatchState withCounts = s.withProgress(s.chunksTotal(), chunks.size(), funnel.toMap(), clock.instant())
          .withPeer(BatchPhase.TOTAL.name(), null, clock.instant());
      if (s.phase().isTerminal()) {
        return s;
      }
      return agree
          ? (s.phase() == BatchPhase.TOTAL ? withCounts : withCounts.withPhase(BatchPhase.TOTAL, clock.instant()))
          : withCounts.failed(BatchFailure.BATCH_MISMATCH, "valid submissions differ between the servers", clock.instant());
    });
    return new Total.Response(totals.totalShareBase64(), totals.validCount(), totals.validIds().hex(), funnel.toMap(), peerOnly);
  }

  public Publish.Response publish(BatchKey key, Publish.Request req) {
    BatchState state = batches.find(key).orElseThrow(() -> new ProblemException(ProblemType.UNKNOWN_BATCH, "no such batch on server B"));
    if (state.attempt() != req.attempt()) {
      throw new ProblemException(ProblemType.STALE_ATTEMPT, "attempt " + req.attempt() + " is not server B's current attempt");
    }
    if (state.phase().isTerminal()) {
      return new Publish.Response(state.phase().name());
    }
    BatchState end;
    switch (Objects.requireNonNullElse(req.outcome(), "")) {
      case "PUBLISHED" -> end = publishCopy(key, state, req);
      case "FAILED" -> {
        BatchFailure f = parseFailure(req.failure());
        end = batches.update(key, s -> s.phase().isTerminal() ? s : s.failed(f, "reported by server A", clock.instant()));
        metrics.batchFinished(BatchPhase.FAILED, f);
      }
      case "ABANDONED" -> {
        end = batches.update(key, s -> s.phase().isTerminal() ? s : s.withPhase(BatchPhase.ABANDONED, clock.instant()));
        metrics.batchFinished(BatchPhase.ABANDONED, null);
      }
      default -> throw new ProblemException(ProblemType.BAD_REQUEST, "outcome must be PUBLISHED, FAILED or ABANDONED");
    }
    inputs.evict(key, state.attempt());
    return new Publish.Response(end.phase().name());
  }

  private BatchState publishCopy(BatchKey key, BatchState state, Publish.Request req) {
    if (req.record() == null || req.totalShareA() == null) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "a published outcome carries A's total share and record");
    }
    PrioConfig config = PrioConfig.of(state.nData(), key.batchId());
    List<ChunkResult> chunks = new ArrayList<>();
    for (int c = 0; c < state.chunksTotal(); c++) {
      rounds.findChunk(key, state.attempt(), c).ifPresent(chunks::add);
    }
    ChunkTotals totals = ChunkTotals.of(config, ServerId.B, chunks);
    if (state.phase() != BatchPhase.TOTAL && state.phase() != BatchPhase.PUBLISHING) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, "server B has not agreed a total for this batch");
    }
    BatchState publishing = state.phase() == BatchPhase.PUBLISHING ? state
        : batches.update(key, s -> s.phase() == BatchPhase.TOTAL ? s.withPhase(BatchPhase.PUBLISHING, clock.instant()) : s);
    boolean same = publisher.matchesOwnShare(config, req.totalShareA(), totals.totalShare(), req.record());
    if (!same) {
      batches.update(key, s -> s.failed(BatchFailure.BATCH_MISMATCH, "A's aggregate differs from B's recombination", clock.instant()));
      metrics.batchFinished(BatchPhase.FAILED, BatchFailure.BATCH_MISMATCH);
      throw new ProblemException(ProblemType.BATCH_MISMATCH, "the aggregate does not match server B's share");
    }
    Map<String, Long> funnelA = req.funnelA() == null ? Map.of() : req.funnelA();
    publisher.write(key, publishing, req.version(), req.record(), funnelA, clock.instant());
    BatchState done = batches.update(key, s -> s.phase() == BatchPhase.PUBLISHING
        ? s.withPublishedVersion(req.version(), clock.instant()).withPeer(BatchPhase.PUBLISHED.name(), funnelA, clock.instant())
            .withPhase(BatchPhase.PUBLISHED, clock.instant()) : s);
    metrics.batchFinished(BatchPhase.PUBLISHED, null);
    return done;
  }

  private interface Compute {
    RoundMessage get() throws PeerProtocolException;
  }

  private RoundMessage answer(BatchKey key, BatchState state, String round, int chunk, String body, Compute compute) {
    if (chunk < 0 || chunk >= state.chunksTotal()) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, "chunk index outside the handshake's chunk count");
    }
    String digest = RoundStore.digest(body);
    var stored = rounds.findRound(key, state.attempt(), round, chunk);
    if (stored.isPresent()) {
      return replay(stored.get(), digest);
    }
    RoundMessage response;
    try {
      response = compute.get();
    } catch (PeerProtocolException e) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, e.getMessage());
    }
    var saved = rounds.saveRound(key, state.attempt(), round, chunk,
        new RoundStore.StoredRound(digest, body, json.writeValueAsString(response)));
    return replay(saved, digest);
  }

  private RoundMessage replay(RoundStore.StoredRound stored, String digest) {
    if (!stored.requestDigest().equals(digest)) {
      throw new ProblemException(ProblemType.ROUND_CONFLICT, "a different request was already answered for this round and chunk");
    }
    return json.readValue(stored.response(), RoundMessage.class);
  }

  private RoundMessage storedVerify1Request(BatchKey key, int attempt, int chunk) {
    return rounds.findRound(key, attempt, "verify1", chunk)
        .map(r -> json.readValue(r.request(), RoundMessage.class))
        .orElseThrow(() -> new ProblemException(ProblemType.PEER_PROTOCOL, "verify2 before verify1 for this chunk"));
  }

  private ChunkWork newWork(BatchKey key, BatchState state, int chunk, List<PacketItem> items) {
    HelperInput input = inputs.get(key, state.attempt());
    List<String> ids = new ArrayList<>(items.size());
    Map<String, InputLine> lines = new LinkedHashMap<>();
    for (PacketItem item : items) {
      if (item == null || item.id() == null) {
        throw new ProblemException(ProblemType.PEER_PROTOCOL, "round item without an id");
      }
      ids.add(item.id());
      InputLine line = input.byId().get(item.id());
      if (line != null) {
        lines.put(item.id(), line);
      }
    }
    if (ids.stream().distinct().count() != ids.size()) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, "an id appears twice in one chunk");
    }
    PrioConfig config = PrioConfig.of(state.nData(), key.batchId());
    return new ChunkWork(chunk, settings.server(config), ids, lines);
  }

  private BatchState activeState(BatchKey key, int attempt) {
    BatchState state = batches.find(key).orElseThrow(
        () -> new ProblemException(ProblemType.UNKNOWN_BATCH, "no handshake for this batch on server B"));
    if (state.attempt() != attempt) {
      throw new ProblemException(ProblemType.STALE_ATTEMPT, "attempt " + attempt + " is not server B's current attempt");
    }
    if (state.phase().isTerminal()) {
      throw new ProblemException(ProblemType.BATCH_CONFLICT, "the batch already ended on server B as " + state.phase());
    }
    return state;
  }

  private static String pendingKey(BatchKey key, int attempt, int chunk) {
    return key + "#" + attempt + "#" + chunk;
  }

  private static BatchFailure parseFailure(String label) {
    for (BatchFailure f : BatchFailure.values()) {
      if (f.name().equals(label)) {
        return f;
      }
    }
    return BatchFailure.PEER_REJECTED;
  }
}
