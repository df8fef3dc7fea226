package dev.prio.server.peer;

import dev.prio.server.signing.AuthFailureReason;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place that decides whether a failed round request is worth repeating and when: network
 * errors and timeouts, 408, 429 and 5xx are retried with exponential backoff and full jitter,
 * honouring Retry-After, until the attempt or elapsed-time budget runs out; every other status is
 * final. An answer without any signature counts as lost ({@link #isLost}). Every round is
 * idempotent on the peer, so repeating one is always safe.
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxElapsed) {

  /** Delay before attempt {@code attempt + 1} (attempt counts from 1). */
  public Duration backoff(int attempt, Duration retryAfter) {
    long cap =
        Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt - 1, 20));
    long jittered = ThreadLocalRandom.current().nextLong(Math.max(1, cap) + 1);
    long wait = retryAfter == null ? jittered : Math.max(jittered, retryAfter.toMillis());
    return Duration.ofMillis(wait);
  }

  /**
   * Whether an answer the signing interceptor refused for {@code reason} counts as lost (retried
   * within the same budget, then {@code PEER_UNAVAILABLE}) rather than as a permanent refusal. Only
   * an answer with no signature at all: it is not B's word — a proxy or a pod shutting down answers
   * so — and whoever could forge one could as well drop the packet. A signed answer that fails
   * verification means a wrong key or an attacker with one; retrying cannot fix that.
   */
  public static boolean isLost(AuthFailureReason reason) {
    return reason == AuthFailureReason.MISSING_SIGNATURE;
  }

  public static Duration parseRetryAfter(String header) {
    if (header == null) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Math.min(300, Long.parseLong(header.trim()))));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
