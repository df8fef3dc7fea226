package dev.prio.server.storage;

import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * A batch: one batch id on one submission date (the seed's partitioning), and within that date one
 * window ({@link BatchWindow}; empty for the whole day, as every file batch is). The window sits in
 * the key, not in the batch id, because the batch id is bound into every client packet.
 */
public record BatchKey(LocalDate submissionDate, String batchId, String window) {
  /**
   * Batch ids become path segments and URL parts: keep them to the characters Firefox uses, and
   * never only dots ({@code .} and {@code ..} are the directory itself and its parent on a file
   * store, and are normalised away in URLs).
   */
  private static final Pattern SAFE_ID = Pattern.compile("(?!\\.+$)[A-Za-z0-9._-]{1,200}");

  public BatchKey {
    if (batchId == null || !SAFE_ID.matcher(batchId).matches()) {
      throw new IllegalArgumentException(
          "batch id must match [A-Za-z0-9._-]{1,200} and not be only dots");
    }
    window = BatchWindow.check(window);
  }

  /** The whole day's batch: a file batch, or a daily stream window. */
  public BatchKey(LocalDate submissionDate, String batchId) {
    this(submissionDate, batchId, BatchWindow.DAY);
  }

  /** Whether this is a window shorter than its day. */
  public boolean windowed() {
    return !window.isEmpty();
  }

  @Override
  public String toString() {
    return submissionDate + "/" + (windowed() ? window + "/" : "") + batchId;
  }
}
