package dev.prio.core.packet;

import dev.prio.core.field.FieldElement;

/**
 * Server A's client packet; {@code dataShares} (n_data) and {@code hPoints} (N) are packed vectors.
 */
public record ClientPacketA(
    BeaverTriple triple,
    FieldElement f0Share,
    FieldElement g0Share,
    FieldElement h0Share,
    long[] dataShares,
    long[] hPoints)
    implements ClientPacket {
  @Override
  public ServerId serverId() {
    return ServerId.A;
  }
}
