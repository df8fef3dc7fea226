package dev.prio.core.packet;

import dev.prio.core.field.FieldElement;

/** Server B's client packet: its shares are the PRG expansion of {@code seed} (spec §4.4). */
public record ClientPacketB(
    BeaverTriple triple,
    FieldElement f0Share,
    FieldElement g0Share,
    FieldElement h0Share,
    byte[] seed)
    implements ClientPacket {
  @Override
  public ServerId serverId() {
    return ServerId.B;
  }

  @Override
  public String toString() {
    return "ClientPacketB[redacted]";
  }
}
