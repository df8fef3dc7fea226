package dev.prio.core.packet;

import dev.prio.core.field.FieldElement;

/** libprio's PrioPacketVerify1: this server's shares of d = f(r) − a and e = g(r) − b. */
public record PacketVerify1(FieldElement shareD, FieldElement shareE) {}
