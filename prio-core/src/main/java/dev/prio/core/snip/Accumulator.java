package dev.prio.core.snip;

import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.field.Field;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;

/**
 * A server's running sum of valid data shares (PrioServer_aggregate, PrioServer_merge,
 * PrioTotalShare_set_data). Unlike libprio, {@link #aggregate} checks isValid itself, so a share
 * can never be added without both servers' round-2 packets for that same submission. Not
 * thread-safe: use one per worker and {@link #merge}.
 */
public final class Accumulator {
  private final PrioConfig config;
  private final ServerId serverId;
  private final long[] sum;
  private long count;

  public Accumulator(PrioConfig config, ServerId serverId) {
    this.config = config;
    this.serverId = serverId;
    this.sum = new long[2 * config.nData()];
  }

  public void aggregate(Verifier verifier, PacketVerify2 first, PacketVerify2 second)
      throws PrioException {
    if (verifier.serverId() != serverId) {
      throw new IllegalArgumentException("verifier belongs to the other server");
    }
    if (!Verifier.isValid(first, second)) {
      throw new PrioException(RejectReason.PROOF_INVALID, "round-2 shares do not sum to zero");
    }
    Field.addInto(sum, verifier.dataShares(), config.nData());
    count++;
  }

  /**
   * Adds a submission whose validity is not decided yet: server B sums its shares after its own
   * rounds so it can drop the verifiers until A's round-2 packets arrive. The sum stands only if
   * every submission added this way turns out valid; otherwise the caller must discard it and
   * aggregate the valid ones with {@link #aggregate}.
   */
  public void addUndecided(Verifier verifier) {
    if (verifier.serverId() != serverId) {
      throw new IllegalArgumentException("verifier belongs to the other server");
    }
    Field.addInto(sum, verifier.dataShares(), config.nData());
    count++;
  }

  public void merge(Accumulator other) {
    if (other.serverId != serverId || !other.config.equals(config)) {
      throw new IllegalArgumentException("accumulators of different batches or servers");
    }
    Field.addInto(sum, other.sum, config.nData());
    count += other.count;
  }

  /** Number of submissions aggregated. */
  public long count() {
    return count;
  }

  public TotalShare totalShare() {
    return new TotalShare(serverId, sum.clone());
  }
}
