package dev.prio.server.round;

/** The other server sent a round message that does not fit the protocol (wrong ids, bad shape). */
public class PeerProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  public PeerProtocolException(String message) {
    super(message);
  }
}
