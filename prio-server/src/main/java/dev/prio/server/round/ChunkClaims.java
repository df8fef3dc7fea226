package dev.prio.server.round;

import dev.prio.server.batch.BatchProgress;
import dev.prio.server.lease.Lease;
import dev.prio.server.lease.Leases;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.StorageLayout;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How replicas of A share a batch (docs/scale-out.md). A chunk is run only under its chunk lease;
 * the batch-level steps only under the attempt's driver lease, held by one replica at a time for as
 * long as it drives.
 *
 * <p>The commit point of a chunk is the create-if-absent of its result: the first result stored is
 * the chunk's, and only the call that stored it counts the chunk in the batch's progress. The lease
 * is checked right before (a compare-and-set renewal, so a holder that lost it cannot commit),
 * which keeps a replica that was paused past its expiry from even trying; if it wins the narrow
 * race anyway, the two results hold the same sums (the rounds are deterministic and B replays its
 * stored answers), and the create-if-absent still counts the chunk once, for the replica it names.
 */
final class ChunkClaims {
  /**
   * This replica does not hold the attempt's driver lease: another replica drives, this run ends.
   */
  static final class NotDriver extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotDriver(String path) {
      super("another replica holds " + path, null, false, false);
    }
  }

  private final Leases leases;
  private final RoundStore rounds;
  private final BatchProgress progress;
  private final PrioMetrics metrics;
  private final Clock clock;
  private final Map<String, Lease> drivers = new ConcurrentHashMap<>();

  ChunkClaims(
      Leases leases, RoundStore rounds, BatchProgress progress, PrioMetrics metrics, Clock clock) {
    this.leases = leases;
    this.rounds = rounds;
    this.progress = progress;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * May this replica run chunk c? Yes (with its lease) if it has no result and nobody else holds
   * it.
   */
  Optional<Lease> claim(BatchKey key, int attempt, int chunk) {
    if (rounds.findChunk(key, attempt, chunk).isPresent()) {
      return Optional.empty();
    }
    Optional<Lease> lease = leases.acquire(StorageLayout.chunkLease(key, attempt, chunk));
    if (lease.isPresent() && rounds.findChunk(key, attempt, chunk).isPresent()) {
      leases.release(lease.get()); // finished by another replica between the two looks
      return Optional.empty();
    }
    return lease;
  }

  /**
   * Commits chunk c's result if the lease is still this replica's; true only for the call that
   * stored it. The lease is given up either way.
   */
  boolean commit(BatchKey key, int attempt, Lease lease, ChunkResult result) {
    try {
      if (!leases.renew(lease)) {
        return false;
      }
      if (!rounds.saveChunk(key, attempt, result.committedBy(leases.holder()))) {
        return false;
      }
      progress.chunkDone(key, attempt, result.funnel(), leases.holder());
      metrics.chunkDone();
      return true;
    } finally {
      leases.release(lease);
    }
  }

  /** Gives up a chunk this replica will not finish (its run failed or stopped). */
  void abandon(Lease lease) {
    leases.release(lease);
  }

  /** Chunks without a result yet. */
  List<Integer> missing(BatchKey key, int attempt, int chunkCount) {
    List<Integer> out = new ArrayList<>();
    for (int c = 0; c < chunkCount; c++) {
      if (rounds.findChunk(key, attempt, c).isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Is there a chunk no replica has finished or is running (so a pass over the input is worth it)?
   */
  boolean anyFree(BatchKey key, int attempt, int chunkCount) {
    for (int c : missing(key, attempt, chunkCount)) {
      if (!leases.isLive(StorageLayout.chunkLease(key, attempt, c))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Holds (or takes, if free) the attempt's driver lease; {@link NotDriver} if another replica has
   * it.
   */
  void drive(BatchKey key, int attempt) {
    String path = StorageLayout.driverLease(key, attempt);
    Lease held = drivers.get(path);
    if (held != null && held.isHeld(clock.instant())) {
      return;
    }
    Lease taken = leases.acquire(path).orElseThrow(() -> new NotDriver(path));
    drivers.put(path, taken);
  }

  /** The run on this batch ended here: another replica may drive it at once. */
  void stopDriving(BatchKey key) {
    String prefix = StorageLayout.stateDir(key);
    drivers
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().startsWith(prefix)) {
                leases.release(e.getValue());
                return true;
              }
              return false;
            });
  }

  /** How long the driver waits between looks at chunks other replicas are running. */
  long pollMillis() {
    return Math.max(20, Math.min(1000, leases.duration().toMillis() / 6));
  }
}
