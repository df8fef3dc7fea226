package dev.prio.cli;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Typed values from the strings picocli bound, with the CLI's messages: every failure is a usage
 * error (exit 2) that names the flag. {@code null} means the option was not given.
 */
public final class Values {
  private Values() {}

  public static String require(String value, String flag) throws CliException {
    if (value == null) {
      throw CliException.usage("missing option " + flag);
    }
    return value;
  }

  public static long integer(String value, String flag, long min, long max, long dflt)
      throws CliException {
    if (value == null) {
      return dflt;
    }
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw CliException.usage("invalid value for " + flag + ": not an integer");
    }
    if (n < min || n > max) {
      throw CliException.usage(
          "invalid value for " + flag + ": must be between " + min + " and " + max);
    }
    return n;
  }

  public static LocalDate date(String value, String flag) throws CliException {
    try {
      return LocalDate.parse(require(value, flag).trim());
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
   * A storage root as the servers' {@code BUCKET_INTERNAL} names it: {@code file:/abs}, {@code
   * file:///abs}, {@code file:rel} or a plain path. {@code gs://} is refused: prio-cli has no GCS
   * client (write to a local root, then copy with {@code gsutil -m cp -r}).
   */
  public static Path root(String s, String flag) throws CliException {
    try {
      if (s.startsWith("file://")) {
        return Path.of(URI.create(s));
      }
      if (s.startsWith("file:")) {
        return Path.of(s.substring("file:".length()));
      }
      if (s.startsWith("gs://")) {
        throw CliException.usage(
            "invalid value for "
                + flag
                + ": gs:// is not supported by prio-cli, only local roots"
                + " (a path or file: URI); write to a local root and copy it with 'gsutil -m cp -r ROOT/prio gs://BUCKET/'");
      }
      if (s.matches("[a-zA-Z][a-zA-Z0-9+.-]+://.*")) {
        throw CliException.usage(
            "invalid value for "
                + flag
                + ": only local roots (a path or file: URI), not "
                + printable(s));
      }
      return Path.of(s);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(
          "invalid value for " + flag + ": " + printable(String.valueOf(e.getMessage())));
    }
  }

  /** Values come from the user; keep one-line messages one line and printable. */
  public static String printable(String s) {
    String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
