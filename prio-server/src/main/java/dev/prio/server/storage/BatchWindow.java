package dev.prio.server.storage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spelling of a batch's window within its submission date: empty for the whole UTC day (every
 * file batch, and streaming's daily windows), else the UTC time the window starts, {@code h07} on
 * the hour and {@code h07m30} off it. It becomes a path segment and a URL part, so only the one
 * canonical spelling of each start is accepted ({@code h07m00} is not {@code h07}).
 */
public final class BatchWindow {
  /** The whole day: what every batch was before windows, and what its paths still say. */
  public static final String DAY = "";

  /** Every spelling, the whole day's empty one included, as the API documents state it. */
  public static final String PATTERN = "^(h([01][0-9]|2[0-3])(m(0[1-9]|[1-5][0-9]))?)?$";

  private static final Pattern SPELLING = Pattern.compile(PATTERN);

  private BatchWindow() {}

  /** The window, checked; null means the whole day. */
  public static String check(String window) {
    if (window == null || window.isEmpty()) {
      return DAY;
    }
    if (!SPELLING.matcher(window).matches()) {
      throw new IllegalArgumentException(
          "window must be empty (the whole day) or hHH or hHHmMM (its UTC start, e.g. h07, h07m30)");
    }
    return window;
  }

  /** The window of {@code length} (a divisor of a day) that holds this instant. */
  public static String holding(Instant at, Duration length) {
    if (length.equals(Duration.ofDays(1))) {
      return DAY;
    }
    long minute = at.atZone(ZoneOffset.UTC).toLocalTime().toSecondOfDay() / 60;
    long start = minute - minute % length.toMinutes();
    return start % 60 == 0
        ? String.format(Locale.ROOT, "h%02d", start / 60)
        : String.format(Locale.ROOT, "h%02dm%02d", start / 60, start % 60);
  }

  /** Where the window starts on its date (midnight for the whole day). */
  public static Instant start(LocalDate date, String window) {
    Matcher m = SPELLING.matcher(check(window));
    LocalTime start =
        m.matches() && m.group(2) != null
            ? LocalTime.of(
                Integer.parseInt(m.group(2)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4)))
            : LocalTime.MIDNIGHT;
    return date.atTime(start).toInstant(ZoneOffset.UTC);
  }

  /**
   * Where the window ends: its start plus {@code length}, never past its date's end (a window
   * staged under a longer setting than today's still closes with its day).
   */
  public static Instant end(LocalDate date, String window, Duration length) {
    Instant dayEnd = date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    if (check(window).isEmpty()) {
      return dayEnd;
    }
    Instant end = start(date, window).plus(length);
    return end.isBefore(dayEnd) ? end : dayEnd;
  }

  /** Whether {@code length} can cut a UTC day into windows: whole minutes that divide 24 h. */
  public static boolean dividesADay(Duration length) {
    long minutes = length.toMinutes();
    return minutes >= 1
        && length.equals(Duration.ofMinutes(minutes))
        && Duration.ofDays(1).toMinutes() % minutes == 0;
  }
}
