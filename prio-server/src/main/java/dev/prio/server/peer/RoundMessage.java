package dev.prio.server.peer;

import java.util.List;

/** verify1 and verify2, both directions: the items of one chunk, in A's order. */
public record RoundMessage(int attempt, List<PacketItem> items) {
  public RoundMessage {
    items = List.copyOf(items);
  }
}
