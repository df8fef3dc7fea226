package dev.prio.server.lease;

import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * Leases as objects in the server's own store, the same on local files and on GCS: the first holder
 * creates the object (create-if-absent); every later change — renewal, release, takeover of an
 * expired or released lease — is a compare-and-set on the generation last seen, so of two replicas
 * racing for one lease exactly one wins. Held leases are renewed in the background every third of
 * the lease duration; a renewal that finds the lease taken over marks the handle lost.
 *
 * <p>A lease is never deleted: it is released by writing it expired.
 */
public final class Leases implements AutoCloseable, ApplicationListener<ContextClosedEvent> {
  private static final Logger log = LoggerFactory.getLogger(Leases.class);

  private final ObjectStore store;
  private final JsonMapper json;
  private final Clock clock;
  private final Duration duration;
  private final String holder;
  private final boolean releaseOnShutdown;
  private final Set<Lease> held = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService keeper;
  private volatile boolean stopping;

  public Leases(ObjectStore store, JsonMapper json, Clock clock, LeaseProperties props) {
    this.store = store;
    this.json = json;
    this.clock = clock;
    this.duration = props.duration();
    this.holder = holderName(props.holder());
    this.releaseOnShutdown = props.releaseOnShutdown();
    this.keeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "prio-lease-keeper");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(10, duration.toMillis() / 3);
    keeper.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
  }

  public String holder() {
    return holder;
  }

  public Duration duration() {
    return duration;
  }

  /**
   * Takes the lease at {@code path} if it is free: absent, released, expired, or this process's own
   * that it lost track of. Empty when another holder's lease is live (or a concurrent taker won).
   */
  public Optional<Lease> acquire(String path) {
    Instant expiry = clock.instant().plus(duration);
    String token = UUID.randomUUID().toString();
    byte[] mine = bytes(new LeaseRecord(holder, token, expiry, false));
    try {
      Optional<StoredObject> current = store.read(path);
      boolean won;
      if (current.isEmpty()) {
        won = store.createIfAbsent(path, mine);
      } else {
        LeaseRecord there = json.readValue(current.get().data(), LeaseRecord.class);
        won =
            (!there.isLive(clock.instant()) || isOwnLost(there, path))
                && store.compareAndSet(path, current.get().generation(), mine);
        if (won && !there.released()) {
          log.info(
              "lease {} taken over from {} (expired {})", path, there.holder(), there.expiresAt());
        }
      }
      return won ? confirm(path, token, expiry) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Extends the lease by a full duration with a compare-and-set, so it succeeds only if nobody took
   * the lease since this process last wrote it. False (and the handle is lost) otherwise.
   */
  public boolean renew(Lease lease) {
    synchronized (
        lease) { // the keeper and a commit may renew at once: the second must see the first's
      // generation
      return renewHeld(lease);
    }
  }

  private boolean renewHeld(Lease lease) {
    if (!lease.isHeld(clock.instant()) || (stopping && !releaseOnShutdown)) {
      lease.lose();
      held.remove(lease);
      return false;
    }
    Instant expiry = clock.instant().plus(duration);
    try {
      if (store.compareAndSet(
          lease.path(),
          lease.generation(),
          bytes(new LeaseRecord(holder, lease.token(), expiry, false)))) {
        Optional<StoredObject> now = store.read(lease.path());
        if (now.isPresent()
            && lease.token().equals(json.readValue(now.get().data(), LeaseRecord.class).token())) {
          lease.renewed(now.get().generation(), expiry);
          return true;
        }
      }
    } catch (IOException e) {
      log.warn(
          "lease {} could not be renewed ({}); it is kept until its expiry",
          lease.path(),
          e.getClass().getSimpleName());
      return lease.isHeld(clock.instant());
    }
    log.warn(
        "lease {} was taken over by another holder; this replica stops its work under it",
        lease.path());
    lease.lose();
    held.remove(lease);
    return false;
  }

  /** Gives the lease up so another holder may take it at once; a lost lease is left as it is. */
  public void release(Lease lease) {
    synchronized (lease) {
      releaseHeld(lease);
    }
  }

  private void releaseHeld(Lease lease) {
    held.remove(lease);
    if (!lease.isHeld(clock.instant())) {
      return;
    }
    lease.lose();
    if (stopping && !releaseOnShutdown) {
      return; // standing in for a crash: the lease is left to expire
    }
    try {
      store.compareAndSet(
          lease.path(),
          lease.generation(),
          bytes(new LeaseRecord(holder, lease.token(), clock.instant(), true)));
    } catch (IOException | UncheckedIOException e) {
      log.debug(
          "lease {} not released ({}); it expires on its own",
          lease.path(),
          e.getClass().getSimpleName());
    }
  }

  /**
   * A live lease of this very process that it no longer holds a handle for: given up while the
   * storage refused the write (a read-only or full disk), so it still reads live. Nothing in this
   * process works under it, so it is taken again at once rather than after it expires.
   */
  private boolean isOwnLost(LeaseRecord there, String path) {
    return there.holder().equals(holder) && held.stream().noneMatch(l -> l.path().equals(path));
  }

  /** The lease as stored, if any (for deciding whether there is free work, and for tests). */
  public Optional<LeaseRecord> peek(String path) {
    try {
      return store.read(path).map(o -> json.readValue(o.data(), LeaseRecord.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Someone (this process included) holds the lease at {@code path} right now. */
  public boolean isLive(String path) {
    return peek(path).map(r -> r.isLive(clock.instant())).orElse(false);
  }

  /**
   * The server is stopping (before any bean is destroyed, so before its runs are interrupted): when
   * leases are to be left like a crash leaves them, renewing stops now and nothing the interrupted
   * runs give up is written.
   */
  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    stopping = true;
    if (!releaseOnShutdown) {
      keeper.shutdownNow();
    }
  }

  /** Stops renewing; releases what is held unless configured to leave it to expire like a crash. */
  @Override
  public void close() {
    keeper.shutdownNow();
    if (releaseOnShutdown) {
      for (Lease lease : Set.copyOf(held)) {
        release(lease);
      }
    }
    held.clear();
  }

  private Optional<Lease> confirm(String path, String token, Instant expiry) throws IOException {
    Optional<StoredObject> now = store.read(path);
    if (now.isEmpty()
        || !token.equals(json.readValue(now.get().data(), LeaseRecord.class).token())) {
      return Optional.empty();
    }
    Lease lease = new Lease(path, token, now.get().generation(), expiry);
    held.add(lease);
    return Optional.of(lease);
  }

  private void renewAll() {
    for (Lease lease : Set.copyOf(held)) {
      try {
        renew(lease);
      } catch (RuntimeException e) {
        log.warn("lease {} renewal failed: {}", lease.path(), e.getClass().getSimpleName());
      }
    }
  }

  private byte[] bytes(LeaseRecord r) {
    return json.writeValueAsBytes(r);
  }

  private static String holderName(String configured) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String host = System.getenv("HOSTNAME");
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    return (host == null || host.isBlank() ? "replica" : host) + "-" + suffix;
  }
}
