package dev.prio.server.peer;

/**
 * One submission in a round message: its id and either this server's packet for the round (standard
 * base64 of PacketVerify1 or PacketVerify2) or the reason this server rejected it.
 */
public record PacketItem(String id, String packet, String reject) {
  public static PacketItem packet(String id, String base64) {
    return new PacketItem(id, base64, null);
  }

  public static PacketItem rejected(String id, String reasonLabel) {
    return new PacketItem(id, null, reasonLabel);
  }

  public boolean isRejected() {
    return reject != null;
  }
}
