package dev.prio.server.signing;

/**
 * Why a peer message was refused. {@link #label()} is the {@code reason} label of {@code
 * prio_peer_auth_failures_total}; the set is fixed so the metric's cardinality is too.
 */
public enum AuthFailureReason {
  /** No Signature / Signature-Input (or not under the expected label). */
  MISSING_SIGNATURE("missing_signature"),
  /**
   * Malformed signature fields, wrong algorithm, required components not covered, or the Ed25519
   * check failed.
   */
  BAD_SIGNATURE("bad_signature"),
  /** The keyid is not one of the peer's configured keys. */
  UNKNOWN_KEY("unknown_key"),
  /** {@code created} outside the clock-skew window, or {@code expires} in the past. */
  STALE("stale"),
  /** The (keyid, nonce) pair was already accepted within the window. */
  REPLAYED("replayed"),
  /** Content-Digest missing, not sha-256, or not the digest of the body received. */
  DIGEST_MISMATCH("digest_mismatch"),
  /**
   * The body is larger than {@code prio.peer-auth.max-body-size}: refused (413) unread, by
   * Content-Length or while streaming.
   */
  BODY_TOO_LARGE("body_too_large");

  private final String label;

  AuthFailureReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
