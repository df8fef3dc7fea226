package dev.prio.server.round;

import dev.prio.core.codec.PacketVerify1Codec;
import dev.prio.core.codec.PacketVerify2Codec;
import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.snip.Accumulator;
import dev.prio.core.snip.PrioServer;
import dev.prio.core.snip.Verifier;
import dev.prio.server.peer.PacketItem;
import dev.prio.server.storage.InputLine;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chunk of submissions on one server, through the SNIP rounds. The same steps run on A and on
 * B, so both decide from their own data and reach the same verdict per id:
 *
 * <ol>
 *   <li>{@link #verify1()}: decrypt and evaluate own shares → own PacketVerify1 or a reject reason;
 *   <li>{@link #verify2(List)}: with the peer's round-1 items → own PacketVerify2 for ids both
 *       kept;
 *   <li>{@link #finish(List)}: with the peer's round-2 items → isValid, aggregate, funnel.
 * </ol>
 *
 * B, which has A's round-1 items when it starts, runs the first two in one pass ({@link
 * #verifyBoth(List)}) and keeps the chunk as a {@link PendingChunk} until A's round-2 items come.
 */
public final class ChunkWork {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final int chunk;
  private final PrioServer server;
  private final List<String> ids = new ArrayList<>();
  private final Map<String, InputLine> lines = new LinkedHashMap<>();
  private final Map<String, Verifier> verifiers = new LinkedHashMap<>();
  private final Map<String, PacketItem> ownVerify1 = new LinkedHashMap<>();
  private final Map<String, PacketVerify2> ownVerify2 = new LinkedHashMap<>();
  private final Funnel funnel = new Funnel();
  private List<PacketItem> ownVerify2Items;
  private long matched;
  private PendingChunk undecided;
  private Accumulator undecidedSum;

  /**
   * @param lines this server's input for the chunk's ids, in A's order; a null line means this
   *     server has no share for that id
   */
  public ChunkWork(
      int chunk, PrioServer server, List<String> chunkIds, Map<String, InputLine> lines) {
    this.chunk = chunk;
    this.server = server;
    this.ids.addAll(chunkIds);
    this.lines.putAll(lines);
  }

  public int chunk() {
    return chunk;
  }

  /**
   * Round 1 for own shares, computed once. It releases the ciphertexts: a chunk would otherwise
   * carry ~12 MB of them (250 at n_data 2046) through both round trips, copied by every young GC.
   */
  public List<PacketItem> verify1() {
    if (ownVerify1.size() == ids.size() && lines.isEmpty()) {
      return List.copyOf(ownVerify1.values());
    }
    List<PacketItem> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      Round1 r = round1(id);
      if (r.verifier() != null) {
        verifiers.put(id, r.verifier());
      }
      ownVerify1.put(id, r.item());
      out.add(r.item());
    }
    lines.clear();
    return out;
  }

  /**
   * Round 2: own PacketVerify2 for every id both servers kept; the rest are counted now. Computed
   * once; later calls return the same items.
   */
  public List<PacketItem> verify2(List<PacketItem> peerVerify1) throws PeerProtocolException {
    if (ownVerify2Items != null) {
      return ownVerify2Items;
    }
    Map<String, PacketItem> peer = RoundItems.byId(peerVerify1, ids);
    List<PacketItem> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(round2(id, ownVerify1.get(id), peer.get(id), verifiers.get(id)));
    }
    ownVerify2Items = List.copyOf(out);
    return ownVerify2Items;
  }

  /**
   * Server B's verify1 request: both of B's rounds in one pass, since A's round-1 items are already
   * there. One submission's verifier is alive at a time, its data shares summed at once for {@link
   * #pending()}: B holds ~16 KiB per chunk in flight instead of every verifier (~4 MiB).
   *
   * @return B's round-1 items
   */
  public List<PacketItem> verifyBoth(List<PacketItem> peerVerify1) throws PeerProtocolException {
    Map<String, PacketItem> peer = RoundItems.byId(peerVerify1, ids);
    Accumulator sum = new Accumulator(server.config(), server.serverId());
    List<PacketItem> own1 = new ArrayList<>(ids.size());
    List<PacketItem> own2 = new ArrayList<>(ids.size());
    for (String id : ids) {
      Round1 r = round1(id);
      PacketItem second = round2(id, r.item(), peer.get(id), r.verifier());
      if (!second.isRejected()) {
        sum.addUndecided(r.verifier());
      }
      own1.add(r.item());
      own2.add(second);
    }
    ownVerify2Items = List.copyOf(own2);
    undecidedSum = sum;
    return own1;
  }

  private record Round1(PacketItem item, Verifier verifier) {}

  private Round1 round1(String id) {
    InputLine line = lines.get(id);
    if (line == null) {
      return new Round1(PacketItem.rejected(id, RejectReason.MISSING_ON_PEER.label()), null);
    }
    matched++;
    if (!line.isOk()) {
      return new Round1(PacketItem.rejected(id, line.reject().label()), null);
    }
    try {
      Verifier v = server.setData(line.ciphertext());
      return new Round1(
          PacketItem.packet(id, B64.encodeToString(PacketVerify1Codec.write(v.verify1()))), v);
    } catch (PrioException e) {
      return new Round1(PacketItem.rejected(id, e.reason().label()), null);
    }
  }

  /** Own round-2 item for one id (kept in {@link #ownVerify2} when both servers kept the id). */
  private PacketItem round2(String id, PacketItem mine, PacketItem theirs, Verifier v) {
    PacketItem refused = PacketItem.rejected(id, RejectReason.REJECTED_BY_PEER.label());
    if (mine.isRejected()) {
      funnel.add(mine.reject(), 1);
      return refused;
    }
    if (theirs.isRejected()) {
      funnel.reject(
          RejectReason.MISSING_ON_PEER.label().equals(theirs.reject())
              ? RejectReason.MISSING_ON_PEER
              : RejectReason.REJECTED_BY_PEER);
      return refused;
    }
    PacketVerify1 peerPacket;
    try {
      peerPacket = PacketVerify1Codec.read(B64D.decode(theirs.packet()));
    } catch (PrioException | IllegalArgumentException e) {
      funnel.reject(RejectReason.REJECTED_BY_PEER);
      return refused;
    }
    PacketVerify2 v2 = v.verify2(v.verify1(), peerPacket);
    ownVerify2.put(id, v2);
    return PacketItem.packet(id, B64.encodeToString(PacketVerify2Codec.write(v2)));
  }

  /** Own round-2 items, once {@link #verify2(List)} has computed them. */
  public List<PacketItem> ownVerify2() {
    if (ownVerify2Items == null) {
      throw new IllegalStateException("verify2 has not run for chunk " + chunk);
    }
    return ownVerify2Items;
  }

  /** This chunk as B keeps it between its rounds; call after {@link #verifyBoth(List)}. */
  PendingChunk pending() {
    if (undecidedSum == null) {
      throw new IllegalStateException("verifyBoth has not run for chunk " + chunk);
    }
    return new PendingChunk(
        chunk,
        List.copyOf(ids),
        ownVerify2(),
        funnel.toMap(),
        matched,
        B64.encodeToString(TotalShareCodec.write(undecidedSum.totalShare())),
        undecidedSum.count());
  }

  /** A chunk B kept between its rounds, ready for {@link #finish(List)}. */
  static ChunkWork resume(PrioServer server, PendingChunk p) {
    ChunkWork work = new ChunkWork(p.chunk(), server, p.ids(), Map.of());
    for (PacketItem item : p.ownVerify2()) {
      if (!item.isRejected()) {
        try {
          work.ownVerify2.put(item.id(), PacketVerify2Codec.read(B64D.decode(item.packet())));
        } catch (PrioException e) {
          throw new IllegalStateException("B's own stored round-2 packet does not parse", e);
        }
      }
    }
    work.ownVerify2Items = List.copyOf(p.ownVerify2());
    work.funnel.addAll(p.funnel());
    work.matched = p.matched();
    work.undecided = p;
    return work;
  }

  /**
   * A resumed chunk holds a submission A found invalid: only its decrypted shares can finish it.
   */
  static final class SharesNeeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SharesNeeded() {
      super(
          "a submission of the chunk is invalid: its shares are needed again", null, false, false);
    }
  }

  /**
   * Decision and aggregation; the result is what gets persisted for this chunk.
   *
   * @throws SharesNeeded for a resumed chunk where some submission turned out invalid
   */
  public ChunkResult finish(List<PacketItem> peerVerify2) throws PeerProtocolException {
    Map<String, PacketItem> peer = RoundItems.byId(peerVerify2, ids);
    Funnel outcome = new Funnel();
    Map<String, PacketVerify2> valid = new LinkedHashMap<>();
    for (Map.Entry<String, PacketVerify2> e : ownVerify2.entrySet()) {
      PacketVerify2 theirs = validPeerPacket(e.getValue(), peer.get(e.getKey()), outcome);
      if (theirs != null) {
        outcome.valid();
        valid.put(e.getKey(), theirs);
      }
    }
    String total;
    if (undecided != null && valid.size() == undecided.undecidedCount()) {
      total = undecided.undecidedTotal(); // every share B summed between its rounds is valid
    } else {
      total = B64.encodeToString(TotalShareCodec.write(aggregate(valid).totalShare()));
    }
    IdChecksum validIds = new IdChecksum();
    valid.keySet().forEach(validIds::add);
    funnel.addAll(outcome.toMap());
    verifiers.clear();
    return new ChunkResult(
        chunk, funnel.toMap(), valid.size(), validIds.hex(), total, matched, null);
  }

  /** The peer's round-2 packet if the submission is valid, else null with the reason counted. */
  private static PacketVerify2 validPeerPacket(PacketVerify2 mine, PacketItem theirs, Funnel out) {
    if (theirs.isRejected()) {
      out.reject(RejectReason.REJECTED_BY_PEER);
      return null;
    }
    PacketVerify2 peerPacket;
    try {
      peerPacket = PacketVerify2Codec.read(B64D.decode(theirs.packet()));
    } catch (PrioException | IllegalArgumentException e) {
      out.reject(RejectReason.REJECTED_BY_PEER);
      return null;
    }
    if (!Verifier.isValid(mine, peerPacket)) {
      out.reject(RejectReason.PROOF_INVALID);
      return null;
    }
    return peerPacket;
  }

  private Accumulator aggregate(Map<String, PacketVerify2> valid) {
    Accumulator acc = new Accumulator(server.config(), server.serverId());
    for (Map.Entry<String, PacketVerify2> e : valid.entrySet()) {
      Verifier v = verifiers.get(e.getKey());
      if (v == null) {
        throw new SharesNeeded();
      }
      try {
        acc.aggregate(v, ownVerify2.get(e.getKey()), e.getValue());
      } catch (PrioException ex) {
        throw new IllegalStateException("a submission checked valid did not aggregate", ex);
      }
    }
    return acc;
  }
}
