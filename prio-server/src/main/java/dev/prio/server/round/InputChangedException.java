package dev.prio.server.round;

/** B's input for an attempt is not what B agreed at the handshake (count or id checksum). */
final class InputChangedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InputChangedException(String detail) {
    super(detail);
  }
}
