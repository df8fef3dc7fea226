package dev.prio.core.error;

/**
 * Untrusted input that the protocol refuses: a client share, a peer packet, a key or seed string.
 * Always carries the {@link RejectReason} that callers count; the message never contains share
 * bytes or secrets.
 */
public class PrioException extends Exception {
  private static final long serialVersionUID = 1L;
  private final RejectReason reason;

  public PrioException(RejectReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public PrioException(RejectReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
