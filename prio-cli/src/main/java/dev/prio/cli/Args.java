package dev.prio.cli;

import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.RMode;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One command's options, resolved the way click resolves prio-processor's: {@code --flag value} or
 * {@code --flag=value}; the last occurrence of a flag wins; a flag beats its environment variable;
 * an empty environment variable counts as unset. Options the command does not take are refused.
 */
public final class Args {
  private final String command;
  private final Map<Opt, String> values;

  private Args(String command, Map<Opt, String> values) {
    this.command = command;
    this.values = values;
  }

  /** {@code argv} holds the tokens after the command name. */
  public static Args parse(String command, Set<Opt> accepted, List<String> argv, Map<String, String> env)
      throws CliException {
    Map<Opt, String> values = new EnumMap<>(Opt.class);
    for (int i = 0; i < argv.size(); i++) {
      String token = argv.get(i);
      if (!token.startsWith("--") || token.equals("--")) {
        throw CliException.usage("unexpected argument '" + printable(token) + "'");
      }
      int eq = token.indexOf('=');
      String name = eq < 0 ? token : token.substring(0, eq);
      Opt opt = find(name, accepted);
      if (opt == null) {
        throw CliException.usage("no such option: " + printable(name));
      }
      String value;
      if (eq >= 0) {
        value = token.substring(eq + 1);
      } else {
        if (i + 1 >= argv.size() || argv.get(i + 1).startsWith("--")) {
          throw CliException.usage("option " + opt.flag() + " requires a value");
        }
        value = argv.get(++i);
      }
      values.put(opt, value);
    }
    for (Opt opt : accepted) {
      if (!values.containsKey(opt)) {
        String fromEnv = env.get(opt.envVar());
        if (fromEnv != null && !fromEnv.isEmpty()) {
          values.put(opt, fromEnv);
        }
      }
    }
    return new Args(command, values);
  }

  private static Opt find(String name, Set<Opt> accepted) {
    for (Opt opt : accepted) {
      if (opt.matches(name)) {
        return opt;
      }
    }
    return null;
  }

  /** Option names come from the user; keep the one-line message one line and printable. */
  private static String printable(String s) {
    String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /**
   * What click checks before a command body runs: every option but the two mode flags is required,
   * and typed values (n-data, server-id, modes) parse.
   */
  public void validate(Set<Opt> accepted) throws CliException {
    for (Opt opt : accepted) {
      if (opt != Opt.R_MODE && opt != Opt.PRG_MODE) {
        require(opt);
      }
    }
    if (accepted.contains(Opt.N_DATA)) {
      nData();
    }
    if (accepted.contains(Opt.SERVER_ID)) {
      serverId();
    }
    rMode();
    prgMode();
  }

  public String command() {
    return command;
  }

  public boolean has(Opt opt) {
    return values.containsKey(opt);
  }

  public String require(Opt opt) throws CliException {
    String v = values.get(opt);
    if (v == null) {
      throw CliException.usage("missing option " + opt.flag() + " (or environment variable " + opt.envVar() + ")");
    }
    return v;
  }

  public int nData() throws CliException {
    String v = require(Opt.N_DATA).trim();
    if (!v.matches("[+-]?[0-9]{1,10}")) {
      throw CliException.usage("invalid value for " + Opt.N_DATA.flag() + ": not an integer");
    }
    long n = Long.parseLong(v);
    if (n < 1 || n > dev.prio.core.packet.PrioConfig.MAX_DATA_FIELDS) {
      throw CliException.usage("invalid value for " + Opt.N_DATA.flag() + ": must be between 1 and "
          + dev.prio.core.packet.PrioConfig.MAX_DATA_FIELDS);
    }
    return (int) n;
  }

  public ServerId serverId() throws CliException {
    String v = require(Opt.SERVER_ID);
    return switch (v) {
      case "A" -> ServerId.A;
      case "B" -> ServerId.B;
      default -> throw CliException.usage("invalid value for " + Opt.SERVER_ID.flag() + ": must be A or B");
    };
  }

  /** Default sequential, the r of prio-processor's CLI (one PrioServer per command). */
  public RMode rMode() throws CliException {
    String v = values.get(Opt.R_MODE);
    if (v == null) {
      return RMode.SEQUENTIAL;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "sequential" -> RMode.SEQUENTIAL;
      case "constant" -> RMode.CONSTANT;
      default -> throw CliException.usage("invalid value for " + Opt.R_MODE.flag() + ": must be sequential or constant");
    };
  }

  /** Default legacy, the PRG of libprio 1.5, Firefox and the upstream fixture. */
  public PrgKeyMode prgMode() throws CliException {
    String v = values.get(Opt.PRG_MODE);
    if (v == null) {
      return PrgKeyMode.LEGACY;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "legacy" -> PrgKeyMode.LEGACY;
      case "hashed" -> PrgKeyMode.HASHED;
      default -> throw CliException.usage("invalid value for " + Opt.PRG_MODE.flag() + ": must be legacy or hashed");
    };
  }
}
