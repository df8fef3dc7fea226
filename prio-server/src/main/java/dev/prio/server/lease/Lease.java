package dev.prio.server.lease;

import java.time.Instant;

/**
 * This process's handle on a lease it acquired: the stored object's path and the generation of the
 * last write this process made to it. Every renewal is a compare-and-set on that generation, so the
 * first renewal after someone else took the lease over fails and the handle is lost for good.
 */
public final class Lease {
  private final String path;
  private final String token;
  private volatile long generation;
  private volatile Instant expiresAt;
  private volatile boolean lost;

  Lease(String path, String token, long generation, Instant expiresAt) {
    this.path = path;
    this.token = token;
    this.generation = generation;
    this.expiresAt = expiresAt;
  }

  public String path() {
    return path;
  }

  String token() {
    return token;
  }

  long generation() {
    return generation;
  }

  Instant expiresAt() {
    return expiresAt;
  }

  synchronized void renewed(long nextGeneration, Instant nextExpiry) {
    generation = nextGeneration;
    expiresAt = nextExpiry;
  }

  void lose() {
    lost = true;
  }

  /** False once a renewal failed, the lease was released, or its expiry passed unrenewed. */
  public boolean isHeld(Instant now) {
    return !lost && expiresAt.isAfter(now);
  }
}
