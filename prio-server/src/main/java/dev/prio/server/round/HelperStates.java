package dev.prio.server.round;

import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchState;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;

/**
 * Which of B's batch states a round from A may touch: the attempt A names, and (mostly) still
 * running.
 */
final class HelperStates {
  private final BatchLifecycle lifecycle;

  HelperStates(BatchLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** The batch in the attempt A names, still running on B. */
  BatchState active(BatchKey key, int attempt) {
    BatchState state = current(key, attempt);
    if (state.phase().isTerminal()) {
      throw new ProblemException(
          ProblemType.BATCH_CONFLICT, "the batch already ended on server B as " + state.phase());
    }
    return state;
  }

  BatchState current(BatchKey key, int attempt) {
    BatchState state =
        lifecycle
            .find(key)
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemType.UNKNOWN_BATCH, "no handshake for this batch on server B"));
    if (state.attempt() != attempt) {
      throw new ProblemException(
          ProblemType.STALE_ATTEMPT, "attempt " + attempt + " is not server B's current attempt");
    }
    return state;
  }
}
