package dev.prio.cli;

import dev.prio.cli.origin.IndexCommand;
import dev.prio.cli.origin.StageCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one parser of every {@code prio} command: picocli over the annotated command classes, set up
 * to behave as prio-processor's click does ({@code --flag value} or {@code --flag=value}, the last
 * occurrence wins, a flag beats its environment variable, an empty variable counts as unset) and to
 * report errors in the CLI's own one-line words (exit 2).
 */
final class Cli {
  /** Command name → class, in prio-processor's order, then ours. */
  static final Map<String, Class<? extends CliCommand>> COMMANDS = new LinkedHashMap<>();

  static {
    for (Class<? extends CliCommand> c :
        List.of(
            ProcessorCommands.SharedSeed.class,
            ProcessorCommands.Keygen.class,
            ProcessorCommands.EncodeShares.class,
            ProcessorCommands.Verify1.class,
            ProcessorCommands.Verify2.class,
            ProcessorCommands.Aggregate.class,
            ProcessorCommands.Publish.class,
            GenerateCommand.class,
            StageCommand.class,
            IndexCommand.class)) {
      COMMANDS.put(c.getAnnotation(Command.class).name(), c);
    }
  }

  private Cli() {}

  /**
   * The command class's one-line description, read from its annotation (no picocli model built).
   */
  static String description(Class<? extends CliCommand> c) {
    return c.getAnnotation(Command.class).description()[0];
  }

  /** prio-processor's environment variable of a flag: {@code --output-A} → {@code OUTPUT_A}. */
  static String envVar(OptionSpec o) {
    return o.names()[0].substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * A picocli model of one command, configured as above; only prio-processor's read {@code env}.
   */
  static CommandLine commandLine(CliCommand command, Map<String, String> env) {
    CommandLine cl = new CommandLine(command);
    cl.setOverwrittenOptionsAllowed(true);
    cl.setUnmatchedOptionsAllowedAsOptionParameters(false);
    cl.setEndOfOptionsDelimiter("--\0"); // click has no "--": it is an unexpected argument
    cl.getCommandSpec().parser().collectErrors(true);
    // Values are data, never templates: a batch id such as 'a${b}c' from BATCH_ID must reach the
    // command as it is (picocli would otherwise expand ${...} in values from the provider below).
    cl.setInterpolateVariables(false);
    if (command instanceof ProcessorCommands.Processor) {
      cl.setDefaultValueProvider(
          arg -> {
            String v = arg instanceof OptionSpec o ? env.get(envVar(o)) : null;
            return v == null || v.isEmpty() ? null : v;
          });
    } else {
      cl.setOptionsCaseInsensitive(true); // our own commands' flags, as Flags parsed them
    }
    return cl;
  }

  /** Fills {@code command}'s fields from {@code argv} (the tokens after its name), or throws. */
  static void parse(CommandLine cl, List<String> argv) throws CliException {
    ParseResult r;
    try {
      r = cl.parseArgs(argv.toArray(String[]::new));
    } catch (ParameterException e) {
      throw translate(e, cl);
    }
    List<Exception> errors = new ArrayList<>(r.errors());
    // A bad token is reported before a missing option, as click reports them.
    for (Exception e : errors) {
      if (!isMissingOption(e)) {
        throw translate(e, cl);
      }
    }
    if (!r.unmatched().isEmpty()) {
      throw unmatched(r.unmatched().get(0));
    }
    if (!errors.isEmpty()) {
      throw translate(errors.get(0), cl);
    }
  }

  private static boolean isMissingOption(Exception e) {
    return e instanceof MissingParameterException m
        && m.getMessage().startsWith("Missing required option");
  }

  private static CliException unmatched(String token) {
    if (token.startsWith("--") && !token.equals("--")) {
      int eq = token.indexOf('=');
      return CliException.usage(
          "no such option: " + Values.printable(eq < 0 ? token : token.substring(0, eq)));
    }
    return CliException.usage("unexpected argument '" + Values.printable(token) + "'");
  }

  private static CliException translate(Exception e, CommandLine cl) {
    if (e instanceof MissingParameterException m
        && !m.getMissing().isEmpty()
        && m.getMissing().get(0) instanceof OptionSpec o) {
      if (isMissingOption(m)) {
        String env =
            cl.getCommand() instanceof ProcessorCommands.Processor
                ? " (or environment variable " + envVar(o) + ")"
                : "";
        return CliException.usage("missing option " + o.names()[0] + env);
      }
      return CliException.usage("option " + o.names()[0] + " requires a value");
    }
    String msg = String.valueOf(e.getMessage());
    java.util.regex.Matcher expected =
        java.util.regex.Pattern.compile("Expected parameter for option '([^']+)'").matcher(msg);
    if (expected.find()) {
      return CliException.usage("option " + expected.group(1) + " requires a value");
    }
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      return unmatched(u.getUnmatched().get(0));
    }
    if (e instanceof ParameterException p && p.getArgSpec() instanceof OptionSpec o) {
      String why = p.getCause() != null ? String.valueOf(p.getCause().getMessage()) : msg;
      return CliException.usage("invalid value for " + o.names()[0] + ": " + Values.printable(why));
    }
    return CliException.usage(Values.printable(msg));
  }

  /** {@code prio COMMAND --help}, from the command's annotations. */
  static String help(CommandLine cl) {
    CommandSpec spec = cl.getCommandSpec();
    CliCommand command = cl.getCommand();
    StringBuilder sb =
        new StringBuilder(
            "Usage: prio "
                + spec.name()
                + " [OPTIONS]\n\n  "
                + spec.usageMessage().description()[0]
                + "\n");
    List<OptionSpec> options = spec.options();
    if (command instanceof ProcessorCommands.Processor) {
      if (!options.isEmpty()) {
        sb.append("\nOptions (each also read from its environment variable; the flag wins):\n");
        for (OptionSpec o : options) {
          sb.append(
              String.format(
                  "  %-28s %-8s %s%s%n",
                  o.names()[0] + " " + o.paramLabel(),
                  "[" + envVar(o) + "]",
                  o.description()[0],
                  o.required() ? " (required)" : ""));
        }
      }
      return sb.toString();
    }
    sb.append('\n').append(command.helpDetails()).append("\nOptions:\n");
    for (OptionSpec o : options) {
      String label = o.typeInfo().isBoolean() ? "" : o.paramLabel();
      sb.append(String.format("  %-36s %s%n", o.names()[0] + " " + label, o.description()[0]));
    }
    return sb.toString();
  }
}
