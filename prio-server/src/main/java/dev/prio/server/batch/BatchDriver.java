package dev.prio.server.batch;

import dev.prio.server.storage.BatchKey;

/**
 * Server A's rounds, as the batch service sees them: run a batch until it ends or is interrupted.
 */
public interface BatchDriver {
  void run(BatchKey key);
}
