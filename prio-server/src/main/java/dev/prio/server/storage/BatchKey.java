package dev.prio.server.storage;

import java.time.LocalDate;
import java.util.regex.Pattern;

/** A batch: one batch id on one submission date (the seed's partitioning). */
public record BatchKey(LocalDate submissionDate, String batchId) {
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
  }

  @Override
  public String toString() {
    return submissionDate + "/" + batchId;
  }
}
