package dev.prio.server.batch;

import java.util.Locale;

/**
 * Why a whole batch failed; the {@code reason} label of {@code prio_batch_failures_total} and the
 * {@code failure} field of the status API. {@link #retryable()} tells an operator whether a {@code
 * rerun} can help without changing anything.
 */
public enum BatchFailure {
  CONFIG_MISMATCH(
      false, "the servers disagree on n_data, PRG or r mode, public keys or shared seed"),
  BATCH_MISMATCH(false, "the servers counted different valid submissions; nothing was published"),
  PEER_UNAVAILABLE(
      true,
      "the other server did not answer within the retry budget, or only unsigned answers (not its"
          + " own: a proxy's or a restarting pod's) came back"),
  PEER_REJECTED(false, "the other server refused a round request with a permanent error"),
  UNKNOWN_BATCH_ID(false, "the batch id is not in DATA_CONFIG, so n_data is unknown"),
  NO_INPUT(false, "there are no submissions for this batch and date"),
  TOO_FEW_SUBMISSIONS(false, "fewer valid submissions than the configured minimum batch size"),
  REJECT_RATIO_EXCEEDED(false, "more submissions were rejected than the configured ratio allows"),
  STORAGE_ERROR(
      true, "reading input or writing state failed for longer than the storage retry budget"),
  STATE_CORRUPT(
      true,
      "a stored chunk result, round answer, scan plan or state failed its integrity check; nothing was published"),
  INPUT_CHANGED(
      true,
      "a server's input for the batch changed after the servers agreed on it at the handshake"),
  INPUT_UNREADABLE(
      false,
      "an input file is damaged, compressed with a codec the servers do not read, or lacks the input columns"),
  INTERNAL_ERROR(true, "an unexpected error; see the server log");

  private final boolean retryable;
  private final String description;

  BatchFailure(boolean retryable, String description) {
    this.retryable = retryable;
    this.description = description;
  }

  public boolean retryable() {
    return retryable;
  }

  public String description() {
    return description;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
