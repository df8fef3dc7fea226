package dev.prio.cli;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code prio}: a drop-in for prio-processor's command (same commands, flags, environment
 * variables and files). Errors are one line on stderr and a non-zero exit, never a stack trace.
 */
public final class Main {
  private static final Set<Opt> DATA_CONFIG = EnumSet.of(Opt.BATCH_ID, Opt.N_DATA);
  private static final Set<Opt> SERVER_CONFIG = EnumSet.of(Opt.SERVER_ID, Opt.PRIVATE_KEY_HEX, Opt.SHARED_SECRET);
  private static final Set<Opt> PUBLIC_KEY = EnumSet.of(Opt.PUBLIC_KEY_HEX_INTERNAL, Opt.PUBLIC_KEY_HEX_EXTERNAL);
  private static final Set<Opt> MODES = EnumSet.of(Opt.R_MODE, Opt.PRG_MODE);

  /** Command name → (options it takes, one-line description), in prio-processor's order. */
  static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  record Command(Set<Opt> options, String description) {}

  static {
    COMMANDS.put("shared-seed", new Command(EnumSet.noneOf(Opt.class), "Generate a shared server secret in base64."));
    COMMANDS.put("keygen", new Command(EnumSet.noneOf(Opt.class), "Generate a curve25519 key pair as json."));
    COMMANDS.put("encode-shares", new Command(
        union(DATA_CONFIG, PUBLIC_KEY, EnumSet.of(Opt.INPUT, Opt.OUTPUT_A, Opt.OUTPUT_B), MODES),
        "Encode client payloads into shares for servers A and B (test client)."));
    COMMANDS.put("verify1", new Command(
        union(DATA_CONFIG, SERVER_CONFIG, PUBLIC_KEY, EnumSet.of(Opt.INPUT, Opt.OUTPUT), MODES),
        "Decode a batch of shares"));
    COMMANDS.put("verify2", new Command(
        union(DATA_CONFIG, SERVER_CONFIG, PUBLIC_KEY,
            EnumSet.of(Opt.INPUT, Opt.INPUT_INTERNAL, Opt.INPUT_EXTERNAL, Opt.OUTPUT), MODES),
        "Verify a batch of SNIPs"));
    COMMANDS.put("aggregate", new Command(
        union(DATA_CONFIG, SERVER_CONFIG, PUBLIC_KEY,
            EnumSet.of(Opt.INPUT, Opt.INPUT_INTERNAL, Opt.INPUT_EXTERNAL, Opt.OUTPUT), MODES),
        "Generate an aggregate share from a batch of verified SNIPs"));
    COMMANDS.put("publish", new Command(
        union(DATA_CONFIG, SERVER_CONFIG, PUBLIC_KEY, EnumSet.of(Opt.INPUT_INTERNAL, Opt.INPUT_EXTERNAL, Opt.OUTPUT), MODES),
        "Generate a final aggregate and remap data to a content blocklist"));
    // Ours, not prio-processor's: its own options, parsed by GenerateOptions.
    COMMANDS.put(Generate.NAME, new Command(EnumSet.noneOf(Opt.class), Generate.DESCRIPTION));
    // Ours too (Telemetry Origin, docs/origin.md): own options, parsed in dev.prio.cli.origin.
    COMMANDS.put(dev.prio.cli.origin.Stage.NAME, new Command(EnumSet.noneOf(Opt.class), dev.prio.cli.origin.Stage.DESCRIPTION));
    COMMANDS.put(dev.prio.cli.origin.Index.NAME, new Command(EnumSet.noneOf(Opt.class), dev.prio.cli.origin.Index.DESCRIPTION));
  }

  @SafeVarargs
  private static Set<Opt> union(Set<Opt>... sets) {
    Set<Opt> all = EnumSet.noneOf(Opt.class);
    for (Set<Opt> s : sets) {
      all.addAll(s);
    }
    return all;
  }

  private Main() {}

  public static void main(String[] argv) {
    int code = run(argv, System.getenv(), System.out, System.err, new SecureRandom(), Clock.systemUTC());
    System.out.flush();
    System.exit(code);
  }

  /** Runs one command; returns the exit status. Never throws. */
  public static int run(String[] argv, Map<String, String> env, PrintStream out, PrintStream err,
      SecureRandom random, Clock clock) {
    String name = argv.length == 0 ? null : argv[0];
    try {
      if (name == null || name.equals("--help")) {
        (name == null ? err : out).print(usage());
        return name == null ? CliException.USAGE : 0;
      }
      Command command = COMMANDS.get(name);
      if (command == null) {
        throw CliException.usage("no such command '" + name.replaceAll("[^\\x20-\\x7e]", "?")
            + "'; commands: " + String.join(", ", COMMANDS.keySet()));
      }
      List<String> rest = Arrays.asList(argv).subList(1, argv.length);
      if (name.equals(Generate.NAME)) {
        Generate.run(rest, out, random);
        out.flush();
        return 0;
      }
      if (name.equals(dev.prio.cli.origin.Stage.NAME) || name.equals(dev.prio.cli.origin.Index.NAME)) {
        if (name.equals(dev.prio.cli.origin.Stage.NAME)) {
          dev.prio.cli.origin.Stage.run(rest, out, err);
        } else {
          dev.prio.cli.origin.Index.run(rest, out, err);
        }
        out.flush();
        return 0;
      }
      if (rest.contains("--help")) {
        out.print(help(name, command));
        return 0;
      }
      Args args = Args.parse(name, command.options(), rest, env);
      args.validate(command.options());
      Commands c = new Commands(out, random, clock);
      switch (name) {
        case "shared-seed" -> c.sharedSeed();
        case "keygen" -> c.keygen();
        case "encode-shares" -> c.encodeShares(args);
        case "verify1" -> c.verify1(args);
        case "verify2" -> c.verify2(args);
        case "aggregate" -> c.aggregate(args);
        case "publish" -> c.publish(args);
        default -> throw new IllegalStateException(name);
      }
      out.flush();
      return 0;
    } catch (CliException e) {
      out.flush();
      String prefix = name == null || !COMMANDS.containsKey(name) ? "prio" : "prio " + name;
      String hint = e.exitCode() == CliException.USAGE ? " (see 'prio " + (COMMANDS.containsKey(name) ? name + " " : "") + "--help')" : "";
      err.println(prefix + ": error: " + e.getMessage() + hint);
      return e.exitCode();
    } catch (RuntimeException | OutOfMemoryError e) {
      // A bug, not bad input; still one line, with the type so it can be reported.
      out.flush();
      err.println("prio: internal error: " + e.getClass().getName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      return 70;
    }
  }

  static String usage() {
    StringBuilder sb = new StringBuilder("Usage: prio COMMAND [OPTIONS]\n\nCommands:\n");
    COMMANDS.forEach((n, c) -> sb.append(String.format("  %-14s %s%n", n, c.description())));
    sb.append("\nRun 'prio COMMAND --help' for a command's options.\n");
    return sb.toString();
  }

  static String help(String name, Command command) {
    StringBuilder sb = new StringBuilder("Usage: prio " + name + " [OPTIONS]\n\n  " + command.description() + "\n");
    if (!command.options().isEmpty()) {
      sb.append("\nOptions (each also read from its environment variable; the flag wins):\n");
      for (Opt o : command.options()) {
        boolean optional = o == Opt.R_MODE || o == Opt.PRG_MODE;
        sb.append(String.format("  %-28s %-8s %s%s%n", o.flag() + " " + o.metavar(), "[" + o.envVar() + "]",
            o.help(), optional ? "" : " (required)"));
      }
    }
    return sb.toString();
  }
}
