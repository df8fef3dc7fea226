package dev.prio.server.storage;

/**
 * One ndjson input line that parsed: the join id (a uuid or an integer, kept as text) and the
 * ciphertext.
 */
public record Submission(String id, byte[] ciphertext) {
  @Override
  public String toString() {
    return "Submission[" + id + "]";
  }
}
