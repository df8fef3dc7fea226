package dev.prio.cli;

/**
 * A failure the user must fix: printed as one line on stderr, never with a stack trace. Exit status
 * 2 for usage errors (as click uses), 1 for everything else (files, keys, JSON, packets).
 */
public final class CliException extends Exception {
  private static final long serialVersionUID = 1L;
  public static final int USAGE = 2;
  public static final int FAILURE = 1;

  private final int exitCode;

  private CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public static CliException usage(String message) {
    return new CliException(message, USAGE);
  }

  public static CliException failure(String message) {
    return new CliException(message, FAILURE);
  }

  public int exitCode() {
    return exitCode;
  }
}
