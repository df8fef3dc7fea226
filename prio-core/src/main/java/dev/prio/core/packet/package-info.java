/**
 * libprio's packets as values: PrioConfig, the client packets, PacketVerify1, PacketVerify2,
 * TotalShare (spec §5).
 */
package dev.prio.core.packet;
