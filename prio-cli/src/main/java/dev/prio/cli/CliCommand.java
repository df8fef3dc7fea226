package dev.prio.cli;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;

/** One {@code prio} command: a picocli-annotated class whose fields the parser has filled. */
public interface CliCommand {
  /** What a command may use besides its options; tests pass their own streams, random and clock. */
  record Context(PrintStream out, PrintStream err, SecureRandom random, Clock clock) {}

  void run(Context ctx) throws CliException;

  /** Text between the description and the option list of {@code --help}, or empty. */
  default String helpDetails() {
    return "";
  }
}
