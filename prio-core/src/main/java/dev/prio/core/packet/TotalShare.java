package dev.prio.core.packet;

/** libprio's PrioTotalShare: one server's sum of the data shares of every valid submission. */
public record TotalShare(ServerId serverId, long[] dataShares) {
  public int length() {
    return dataShares.length / 2;
  }
}
