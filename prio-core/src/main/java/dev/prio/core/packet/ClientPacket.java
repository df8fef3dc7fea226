package dev.prio.core.packet;

import dev.prio.core.field.FieldElement;

/**
 * libprio's PrioPacketClient (spec §5.2): what a client sends one server, after decryption. Server
 * A's packet carries its data shares and h points; server B's only a seed from which both are
 * expanded.
 */
public sealed interface ClientPacket permits ClientPacketA, ClientPacketB {
  BeaverTriple triple();

  FieldElement f0Share();

  FieldElement g0Share();

  FieldElement h0Share();

  ServerId serverId();
}
