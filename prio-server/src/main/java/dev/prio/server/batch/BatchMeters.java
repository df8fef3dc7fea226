package dev.prio.server.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What the batch room reports to the meters. Declared here and implemented by the metrics room, so
 * batch states and their meters do not depend on each other both ways.
 */
public interface BatchMeters {
  void batchFinished(BatchPhase terminal, BatchFailure failure);

  void phaseTime(BatchPhase phase, Duration d);

  /** Batches per non-terminal phase and the age of the oldest in each. */
  void phaseCensus(Map<BatchPhase, Long> counts, Map<BatchPhase, Duration> oldest);

  /** Chunks not yet finished over all unfinished batches: the backlog the autoscaler reads. */
  void chunksWaiting(long chunks);

  /** Raises the last-success gauge to {@code when}; it never goes back. */
  void lastSuccessAt(Instant when);
}
