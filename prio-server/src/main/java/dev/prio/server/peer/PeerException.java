package dev.prio.server.peer;

import dev.prio.server.web.ProblemType;

/**
 * A round request that did not succeed, after the retry policy had its say: the peer was not
 * reachable in time, refused the request for good (with its problem type), or answered with
 * something that is not a valid response.
 */
public class PeerException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    UNAVAILABLE,
    REJECTED,
    PROTOCOL
  }

  private final Kind kind;
  private final transient ProblemType problem;

  public PeerException(Kind kind, ProblemType problem, String message) {
    super(message);
    this.kind = kind;
    this.problem = problem;
  }

  public Kind kind() {
    return kind;
  }

  /** The peer's problem type when it refused the request; null otherwise. */
  public ProblemType problem() {
    return problem;
  }
}
