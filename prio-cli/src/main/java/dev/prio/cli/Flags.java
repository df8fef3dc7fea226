package dev.prio.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of one of our own commands ({@code generate}, {@code stage}, {@code index}), parsed
 * like prio-processor's ({@code --flag value} or {@code --flag=value}). A flag named in
 * {@code repeatable} collects every value; any other keeps its last one. No environment variables:
 * these commands are ours, not prio-processor's.
 */
public final class Flags {
  private final Map<String, List<String>> values;

  private Flags(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * {@code known}: flag → (metavar, help), in {@code --help}'s order. A flag in {@code repeatable}
   * collects its values; a flag in {@code switches} takes no value ({@code --flag} means true, or
   * {@code --flag=true|false}).
   */
  public static Flags parse(List<String> argv, Map<String, String[]> known, Set<String> repeatable, Set<String> switches)
      throws CliException {
    Map<String, List<String>> v = new LinkedHashMap<>();
    for (int i = 0; i < argv.size(); i++) {
      String token = argv.get(i);
      if (!token.startsWith("--") || token.equals("--")) {
        throw CliException.usage("unexpected argument '" + printable(token) + "'");
      }
      int eq = token.indexOf('=');
      String name = (eq < 0 ? token : token.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (!known.containsKey(name)) {
        throw CliException.usage("no such option: " + printable(name));
      }
      String value;
      if (eq >= 0) {
        value = token.substring(eq + 1);
      } else if (switches.contains(name)) {
        value = "true";
      } else {
        if (i + 1 >= argv.size() || argv.get(i + 1).startsWith("--")) {
          throw CliException.usage("option " + name + " requires a value");
        }
        value = argv.get(++i);
      }
      List<String> list = v.computeIfAbsent(name, k -> new ArrayList<>());
      if (!repeatable.contains(name)) {
        list.clear();
      }
      list.add(value);
    }
    return new Flags(v);
  }

  public static String help(String name, String description, String details, Map<String, String[]> known) {
    StringBuilder sb = new StringBuilder("Usage: prio " + name + " [OPTIONS]\n\n  " + description + "\n\n" + details + "\nOptions:\n");
    known.forEach((flag, m) -> sb.append(String.format("  %-34s %s%n", flag + " " + m[0], m[1])));
    return sb.toString();
  }

  public boolean has(String flag) {
    return values.containsKey(flag);
  }

  public String get(String flag) {
    List<String> l = values.get(flag);
    return l == null ? null : l.get(l.size() - 1);
  }

  public List<String> all(String flag) {
    return values.getOrDefault(flag, List.of());
  }

  public boolean isSet(String flag) throws CliException {
    String s = get(flag);
    if (s == null || s.equalsIgnoreCase("false")) {
      return false;
    }
    if (!s.equalsIgnoreCase("true")) {
      throw CliException.usage("invalid value for " + flag + ": true or false");
    }
    return true;
  }

  public String require(String flag) throws CliException {
    String s = get(flag);
    if (s == null) {
      throw CliException.usage("missing option " + flag);
    }
    return s;
  }

  public long integer(String flag, long min, long max, long dflt) throws CliException {
    String s = get(flag);
    if (s == null) {
      return dflt;
    }
    long n;
    try {
      n = Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw CliException.usage("invalid value for " + flag + ": not an integer");
    }
    if (n < min || n > max) {
      throw CliException.usage("invalid value for " + flag + ": must be between " + min + " and " + max);
    }
    return n;
  }

  public LocalDate date(String flag) throws CliException {
    try {
      return LocalDate.parse(require(flag).trim());
    } catch (DateTimeParseException e) {
      throw CliException.usage("invalid value for " + flag + ": expected YYYY-MM-DD");
    }
  }

  public static Path path(String value, String flag) throws CliException {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw CliException.usage("invalid path for " + flag);
    }
  }

  /**
   * A storage root as the servers' {@code prio.storage.root} names it: {@code file:/abs},
   * {@code file:///abs}, {@code file:rel} or a plain path. {@code gs://} is refused: prio-cli has
   * no GCS client (stage to a local root, then copy with {@code gsutil -m cp -r}).
   */
  public static Path root(String s, String flag) throws CliException {
    try {
      if (s.startsWith("file://")) {
        return Path.of(java.net.URI.create(s));
      }
      if (s.startsWith("file:")) {
        return Path.of(s.substring("file:".length()));
      }
      if (s.startsWith("gs://")) {
        throw CliException.usage("invalid value for " + flag + ": gs:// is not supported by prio-cli;"
            + " write to a local root and copy it with 'gsutil -m cp -r ROOT/prio gs://BUCKET/'");
      }
      if (s.matches("[a-zA-Z][a-zA-Z0-9+.-]+://.*")) {
        throw CliException.usage("invalid value for " + flag + ": only local roots (a path or file: URI)");
      }
      return Path.of(s);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("invalid value for " + flag + ": " + printable(String.valueOf(e.getMessage())));
    }
  }

  public static String printable(String s) {
    String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
