package dev.prio.server.batch;

import dev.prio.core.error.RejectReason;
import dev.prio.core.prg.PrgKeyMode;
import java.util.Map;

/**
 * Operator-facing failure details that say what most likely went wrong, not only what happened.
 * Pure functions of a batch's funnel (submissions by outcome label), so each rule is unit-tested.
 *
 * <p>The case this exists for: data encoded with the other PRG key mode (the PyPI {@code prio}
 * wheels key the PRG HASHED, Firefox's libprio 1.5 LEGACY) decrypts and parses fine and then fails
 * the SNIP on every row, so the batch ends as {@code TOO_FEW_SUBMISSIONS} with every submission
 * {@code proof_invalid}. A client that used another n_data fails earlier, as {@code wrong_length}
 * (or, when the share still fits the envelope, also as {@code proof_invalid}).
 */
public final class FailureHints {
  /** "Almost every" submission: at or above this share of all submissions read. */
  static final double ALMOST_ALL = 0.9;

  private FailureHints() {}

  /**
   * The failure detail of a batch that has fewer valid submissions than {@code minimum}: the
   * counts, and when (almost) every submission failed the proof or had the wrong length, which
   * setting most likely differs from the clients' and where the runbook says how to tell.
   *
   * @param valid submissions valid on both servers
   * @param minimum {@code prio.batch.min-batch-size}
   * @param funnel submissions by outcome label ({@code valid} or a {@link RejectReason} label)
   * @param prgMode this server's {@code prio.batch.prg-mode}
   */
  public static String tooFewSubmissions(
      long valid, long minimum, Map<String, Long> funnel, PrgKeyMode prgMode) {
    String counts = valid + " valid submissions, minimum " + minimum;
    long all = funnel.values().stream().mapToLong(Long::longValue).sum();
    if (all == 0) {
      return counts;
    }
    long proofInvalid = funnel.getOrDefault(RejectReason.PROOF_INVALID.label(), 0L);
    long wrongLength = funnel.getOrDefault(RejectReason.WRONG_LENGTH.label(), 0L);
    if (proofInvalid >= ALMOST_ALL * all) {
      return counts
          + "; "
          + proofInvalid
          + " of "
          + all
          + " submissions are proof_invalid: the PRG key mode"
          + " (prio.batch.prg-mode, here "
          + prgMode
          + ", other: "
          + other(prgMode)
          + ") or n_data most likely"
          + " differs from the clients' (docs/operations.md, \"Every submission proof_invalid\")";
    }
    if (wrongLength >= ALMOST_ALL * all) {
      return counts
          + "; "
          + wrongLength
          + " of "
          + all
          + " submissions have the wrong length: n_data in"
          + " DATA_CONFIG most likely differs from the clients' (docs/operations.md, \"Every submission proof_invalid\")";
    }
    return counts;
  }

  private static PrgKeyMode other(PrgKeyMode mode) {
    return mode == PrgKeyMode.LEGACY ? PrgKeyMode.HASHED : PrgKeyMode.LEGACY;
  }
}
