package dev.prio.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code prio}: a drop-in for prio-processor's command (same commands, flags, environment variables
 * and files). Errors are one line on stderr and a non-zero exit, never a stack trace.
 */
public final class Main {
  private Main() {}

  public static void main(String[] argv) {
    // Parquet's writer logs through SLF4J, and the CLI ships no logging backend: without this,
    // SLF4J
    // warns on stderr that it found none, which scripts reading stderr would take for an error.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    int code =
        run(argv, System.getenv(), System.out, System.err, new SecureRandom(), Clock.systemUTC());
    System.out.flush();
    System.exit(code);
  }

  /** Runs one command; returns the exit status. Never throws. */
  public static int run(
      String[] argv,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      SecureRandom random,
      Clock clock) {
    String name = argv.length == 0 ? null : argv[0];
    try {
      if (name == null || name.equals("--help")) {
        (name == null ? err : out).print(usage());
        return name == null ? CliException.USAGE : 0;
      }
      Class<? extends CliCommand> type = Cli.COMMANDS.get(name);
      if (type == null) {
        throw CliException.usage(
            "no such command '"
                + name.replaceAll("[^\\x20-\\x7e]", "?")
                + "'; commands: "
                + String.join(", ", Cli.COMMANDS.keySet()));
      }
      List<String> rest = Arrays.asList(argv).subList(1, argv.length);
      CommandLine cl = Cli.commandLine(newInstance(type), env);
      if (rest.contains("--help")) {
        out.print(Cli.help(cl));
        return 0;
      }
      Cli.parse(cl, rest);
      CliCommand command = cl.getCommand();
      command.run(new CliCommand.Context(out, err, random, clock));
      out.flush();
      return 0;
    } catch (CliException e) {
      out.flush();
      boolean known = name != null && Cli.COMMANDS.containsKey(name);
      String prefix = known ? "prio " + name : "prio";
      String hint =
          e.exitCode() == CliException.USAGE
              ? " (see 'prio " + (known ? name + " " : "") + "--help')"
              : "";
      err.println(prefix + ": error: " + e.getMessage() + hint);
      return e.exitCode();
    } catch (RuntimeException | OutOfMemoryError e) {
      // A bug, not bad input; still one line, with the type so it can be reported.
      out.flush();
      err.println(
          "prio: internal error: "
              + e.getClass().getName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      return 70;
    }
  }

  private static CliCommand newInstance(Class<? extends CliCommand> type) {
    try {
      var constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return constructor.newInstance();
    } catch (NoSuchMethodException
        | InstantiationException
        | IllegalAccessException
        | InvocationTargetException e) {
      throw new IllegalStateException("cannot create " + type.getName(), e);
    }
  }

  static String usage() {
    StringBuilder sb = new StringBuilder("Usage: prio COMMAND [OPTIONS]\n\nCommands:\n");
    Cli.COMMANDS.forEach((n, c) -> sb.append(String.format("  %-14s %s%n", n, Cli.description(c))));
    sb.append("\nRun 'prio COMMAND --help' for a command's options.\n");
    return sb.toString();
  }
}
