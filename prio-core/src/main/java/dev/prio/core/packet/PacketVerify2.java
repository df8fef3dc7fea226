package dev.prio.core.packet;

import dev.prio.core.field.FieldElement;

/**
 * libprio's PrioPacketVerify2: this server's share of f(r)·g(r) − h(r); the halves sum to 0 iff
 * valid.
 */
public record PacketVerify2(FieldElement shareOut) {}
