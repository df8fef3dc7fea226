package dev.prio.core.snip;

/** Which draw of the shared-seed PRG verifies which packet (spec §6.3). */
public enum RMode {
  /**
   * Every packet uses the first draw: prio-processor's Spark UDFs build a fresh PrioServer per row.
   * The pair's default; it lets the evaluation weights be computed once per batch.
   */
  CONSTANT,
  /**
   * The k-th packet that decrypted and parsed uses the k-th draw: prio-processor's CLI, one
   * PrioServer per command. Kept to reproduce CLI vectors; a share one server cannot parse shifts
   * every later r on that server only.
   */
  SEQUENTIAL
}
