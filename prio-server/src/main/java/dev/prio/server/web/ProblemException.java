package dev.prio.server.web;

/**
 * Ends a request with a problem-details response of the given type; the detail is operator-facing.
 */
public class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ProblemType type;

  public ProblemException(ProblemType type, String detail) {
    super(detail);
    this.type = type;
  }

  public ProblemType type() {
    return type;
  }
}
