package dev.prio.server.round;

import java.nio.file.Path;

/**
 * Where the scans spill to (local temp disk, never the bucket) and how many ids a spill partition
 * may hold in memory at once: the bound that keeps the duplicate check's heap flat in batch size.
 */
public record Spill(Path dir, int maxInMemory) {
  /** ~140 bytes an entry on the heap: about 7 MiB at most. */
  public static final int DEFAULT_MAX_IN_MEMORY = 50_000;

  public static Spill defaults() {
    return new Spill(
        Path.of(System.getProperty("java.io.tmpdir"), "prio-spill"), DEFAULT_MAX_IN_MEMORY);
  }
}
