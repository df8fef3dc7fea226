package dev.prio.server.round;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.snip.PrioServer;
import dev.prio.server.batch.BatchState;
import dev.prio.server.peer.PacketItem;
import dev.prio.server.peer.RoundMessage;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server B's chunks through its two rounds. verify1 decrypts the chunk and computes both of B's
 * packets in one pass; what verify2 needs of it ({@link PendingChunk}) is stored and cached, so
 * whichever replica of B A's verify2 reaches finishes the chunk without decrypting it again. Only a
 * chunk holding an invalid submission is decrypted a second time, from the stored verify1 request.
 */
final class HelperChunks {
  /** B's round-2 answer for a chunk and the chunk's result. */
  record Finished(List<PacketItem> ownVerify2, ChunkResult result) {}

  private final ProtocolSettings settings;
  private final RoundStore rounds;
  private final HelperIndexes inputs;
  private final HelperHandshake handshake;
  private final JsonMapper json;

  /**
   * Chunks between their rounds on this replica, so verify2 need not read them back: no more than B
   * answers rounds at once (~40 KiB each), since with several replicas of B a verify2 often reaches
   * another replica and leaves this replica's entry behind.
   */
  private final BoundedCache<String, PendingChunk> pending;

  HelperChunks(
      ProtocolSettings settings,
      RoundStore rounds,
      HelperIndexes inputs,
      HelperHandshake handshake,
      JsonMapper json,
      int cachedChunks) {
    this.settings = settings;
    this.rounds = rounds;
    this.inputs = inputs;
    this.handshake = handshake;
    this.json = json;
    this.pending = new BoundedCache<>(cachedChunks);
  }

  /** verify1: B's round-1 items, with the chunk kept for verify2. */
  List<PacketItem> verify1(BatchKey key, BatchState state, int chunk, List<PacketItem> peer)
      throws PeerProtocolException {
    ChunkWork work = decrypted(key, state, chunk, peer);
    List<PacketItem> own = work.verifyBoth(peer);
    PendingChunk kept = work.pending();
    rounds.create(StorageLayout.pendingChunk(key, state.attempt(), chunk), kept);
    pending.put(cacheKey(key, state.attempt(), chunk), kept);
    return own;
  }

  /** verify2: B's round-2 items and the chunk's result, given A's round-2 items. */
  Finished verify2(BatchKey key, BatchState state, int chunk, List<PacketItem> peer)
      throws PeerProtocolException {
    PendingChunk kept = pending.take(cacheKey(key, state.attempt(), chunk));
    if (kept == null) { // verify1 reached another replica, or this one has forgotten it
      kept =
          rounds
              .find(StorageLayout.pendingChunk(key, state.attempt(), chunk), PendingChunk.class)
              .orElse(null);
    }
    if (kept != null) {
      ChunkWork work = ChunkWork.resume(server(key, state), kept);
      try {
        return new Finished(work.ownVerify2(), work.finish(peer));
      } catch (ChunkWork.SharesNeeded e) {
        // an invalid submission: fall through and sum the valid ones from their shares
      }
    }
    List<PacketItem> first = storedVerify1Request(key, state.attempt(), chunk).items();
    ChunkWork work = decrypted(key, state, chunk, first);
    work.verify1();
    work.verify2(first);
    return new Finished(work.ownVerify2(), work.finish(peer));
  }

  private ChunkWork decrypted(BatchKey key, BatchState state, int chunk, List<PacketItem> items) {
    HelperIndex input = handshake.agreedInput(key, state.attempt());
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
    return new ChunkWork(chunk, server(key, state), ids, lines);
  }

  private PrioServer server(BatchKey key, BatchState state) {
    return settings.server(PrioConfig.of(state.nData(), key.batchId()));
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

  private static String cacheKey(BatchKey key, int attempt, int chunk) {
    return key + "#" + attempt + "#" + chunk;
  }
}
