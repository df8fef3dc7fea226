package dev.prio.server.lease;

import java.time.Instant;

/**
 * One lease as stored: who holds it, the token of this one holding (a new one per acquisition, so a
 * holder that lost the lease and took it again is told apart from its old self), until when, and
 * whether the holder gave it up before it expired.
 */
public record LeaseRecord(String holder, String token, Instant expiresAt, boolean released) {
  /** Someone holds it at {@code now}: not given up and not expired. */
  public boolean isLive(Instant now) {
    return !released && expiresAt.isAfter(now);
  }
}
