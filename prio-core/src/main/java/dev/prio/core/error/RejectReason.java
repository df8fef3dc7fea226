package dev.prio.core.error;

import java.util.Locale;

/**
 * Why one submission was not counted. One enum for the library, the CLI, the servers' funnel
 * counts, the status API and the {@code reason} label of {@code prio_submissions_total}; the label
 * is {@link #label()}, stable across releases.
 */
public enum RejectReason {
  MALFORMED_LINE(
      "the ndjson line is not an object with a string or integer id and a string payload"),
  INVALID_BASE64("the payload is not standard base64"),
  CIPHERTEXT_TOO_SHORT("the ciphertext is shorter than the 60-byte envelope"),
  CIPHERTEXT_TOO_LONG(
      "the ciphertext is longer than the largest packet this batch's n_data allows"),
  DECRYPT_FAILED(
      "the share does not decrypt with this server's key (bad tag, key or ephemeral point)"),
  MALFORMED_PACKET("the decrypted packet is not the msgpack sequence libprio writes"),
  BATCH_ID_MISMATCH("the packet names another batch id"),
  WRONG_SERVER_ID("the packet was made for the other server"),
  WRONG_LENGTH("an array has the wrong length: the client used another n_data"),
  VALUE_OUT_OF_RANGE("a field element is not below the modulus"),
  PROOF_INVALID("the SNIP did not verify: the client's input is not a vector of bits"),
  DUPLICATE_ID("the submission id appeared earlier in the same batch"),
  MISSING_ON_PEER("the submission id is present on one server only"),
  REJECTED_BY_PEER("the other server rejected its share of this submission");

  private final String description;

  RejectReason(String description) {
    this.description = description;
  }

  /** Operator-facing explanation. */
  public String description() {
    return description;
  }

  /** Stable snake_case code for metric labels and JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
