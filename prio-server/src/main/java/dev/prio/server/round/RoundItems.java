package dev.prio.server.round;

import dev.prio.core.error.RejectReason;
import dev.prio.server.peer.PacketItem;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The checks on the peer's round items before any of them is used. */
final class RoundItems {
  private RoundItems() {}

  /** The peer's items by id; they must name exactly the chunk's ids, in any order. */
  static Map<String, PacketItem> byId(List<PacketItem> items, List<String> chunkIds)
      throws PeerProtocolException {
    Map<String, PacketItem> m = new LinkedHashMap<>();
    for (PacketItem i : items) {
      if (i == null
          || i.id() == null
          || (i.packet() == null) == (i.reject() == null)
          || m.put(i.id(), i) != null) {
        throw new PeerProtocolException(
            "round items must each name one id once, with a packet or a reject");
      }
      if (i.isRejected() && !isKnownReason(i.reject())) {
        throw new PeerProtocolException("unknown reject reason in round items");
      }
    }
    if (!m.keySet().equals(new HashSet<>(chunkIds))) {
      throw new PeerProtocolException("round items do not match the chunk's ids");
    }
    return m;
  }

  private static boolean isKnownReason(String label) {
    for (RejectReason r : RejectReason.values()) {
      if (r.label().equals(label)) {
        return true;
      }
    }
    return false;
  }
}
