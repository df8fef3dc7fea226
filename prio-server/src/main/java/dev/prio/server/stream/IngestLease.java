package dev.prio.server.stream;

import dev.prio.server.lease.Lease;
import dev.prio.server.lease.Leases;
import java.time.Clock;
import java.util.Optional;

/**
 * The right to pull a server's subscription, one replica at a time: a lease in the server's own
 * store (the same create-if-absent and compare-and-set leases that share A's chunks). Two replicas
 * pulling at once could each stage a copy of a redelivered id, since each knows only the ids it
 * wrote itself; with the lease only the holder pulls, and the others take over once it has expired.
 *
 * <p>The holder confirms the lease right before each segment write with a compare-and-set renewal,
 * as a chunk commit does, so a replica that lost it (paused past its expiry, or cut off from the
 * store) writes nothing more.
 */
public final class IngestLease {
  private final Leases leases;
  private final String path;
  private final Clock clock;
  private volatile Lease lease;

  public IngestLease(Leases leases, String path, Clock clock) {
    this.leases = leases;
    this.path = path;
    this.clock = clock;
  }

  /** This replica holds the lease, as far as it knows without asking the store. */
  boolean isHeld() {
    Lease l = lease;
    return l != null && l.isHeld(clock.instant());
  }

  /** Takes the lease if nobody else holds it; true if this replica holds it afterwards. */
  boolean take() {
    if (isHeld()) {
      return true;
    }
    Optional<Lease> taken = leases.acquire(path);
    lease = taken.orElse(null);
    return taken.isPresent();
  }

  /**
   * Renews the lease with a compare-and-set on the generation this replica last wrote: true only if
   * nobody took it since, so a write that follows is this holder's.
   */
  public boolean confirm() {
    Lease l = lease;
    return l != null && leases.renew(l);
  }

  /** Gives the lease up, so another replica takes over at once. */
  void release() {
    Lease l = lease;
    lease = null;
    if (l != null) {
      leases.release(l);
    }
  }

  String path() {
    return path;
  }
}
