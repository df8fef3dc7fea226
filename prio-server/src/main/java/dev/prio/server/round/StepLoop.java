package dev.prio.server.round;

import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchState;
import dev.prio.server.batch.BatchStateCorruptException;
import dev.prio.server.peer.RetryPolicy;
import dev.prio.server.round.BatchSteps.BatchFailed;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.InputUnreadableException;
import dev.prio.server.storage.StateCorruptException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs A's steps for one batch until it ends, and decides what trouble means. A step's failure ends
 * the attempt through the lifecycle; a storage error is retried with backoff for the storage retry
 * budget, then ends it as STORAGE_ERROR; a stored object that fails its integrity check ends it as
 * STATE_CORRUPT, an input file that cannot be read as submissions as INPUT_UNREADABLE. Once the
 * attempt is committed to publish nothing ends it: the step is retried until both copies are final.
 * A shutdown pauses the batch where it is, for the next process. When even the failure cannot be
 * recorded (the storage is still down), the run stops and the batch stays in its phase: the next
 * sweep, or the operator's rerun, resumes it.
 */
final class StepLoop {
  private static final Logger log = LoggerFactory.getLogger(StepLoop.class);

  interface Step {
    BatchState apply(BatchKey key, BatchState s) throws BatchFailed;
  }

  private final BatchLifecycle lifecycle;
  private final RetryPolicy retry;
  private final ExecutorService chunkPool;

  StepLoop(BatchLifecycle lifecycle, RetryPolicy retry, ExecutorService chunkPool) {
    this.lifecycle = lifecycle;
    this.retry = retry;
    this.chunkPool = chunkPool;
  }

  void run(BatchKey key, Step step) {
    BatchState s;
    try {
      s = lifecycle.find(key).orElse(null);
    } catch (StateCorruptException | BatchStateCorruptException | UncheckedIOException e) {
      log.error(
          "batch {} cannot be read ({}); it is left as it is", key, e.getClass().getSimpleName());
      return;
    }
    Instant troubleSince = null;
    int tries = 0;
    while (s != null && !s.phase().isTerminal() && !isStopping()) {
      BatchFailure failure;
      String detail;
      try {
        s = step.apply(key, s);
        troubleSince = null;
        tries = 0;
        continue;
      } catch (ChunkClaims.NotDriver e) {
        log.debug("batch {} in {}: {}; this replica's run ends", key, s.phase(), e.getMessage());
        return;
      } catch (BatchFailed e) {
        failure = e.failure;
        detail = e.getMessage();
      } catch (StateCorruptException e) {
        failure = BatchFailure.STATE_CORRUPT;
        detail = "a stored object failed its integrity check: " + e.key();
      } catch (InputUnreadableException e) {
        failure = BatchFailure.INPUT_UNREADABLE;
        detail = "server A's input is unreadable: " + e.getMessage();
      } catch (BatchStateCorruptException e) {
        log.error(
            "batch {} state object is unreadable; the run stops, the batch is shown as state-corrupt",
            key);
        return;
      } catch (UncheckedIOException e) {
        failure = BatchFailure.STORAGE_ERROR;
        detail = "storage error: " + e.getCause().getClass().getSimpleName();
      } catch (RuntimeException e) {
        failure = BatchFailure.INTERNAL_ERROR;
        detail = e.getClass().getSimpleName();
        if (!isStopping()) { // a shutdown refuses new chunks: expected, reported as a pause below
          log.error("batch {} step {} failed unexpectedly", key, s.phase(), e);
        }
      }
      if (isStopping()) {
        log.info("batch {} paused in {} by shutdown", key, s.phase());
        return;
      }
      troubleSince = troubleSince == null ? Instant.now() : troubleSince;
      tries++;
      boolean retryStorage =
          failure == BatchFailure.STORAGE_ERROR
              && Duration.between(troubleSince, Instant.now()).compareTo(retry.maxElapsed()) < 0;
      if (s.committed() || retryStorage) {
        log.warn(
            "batch {} attempt {} in {}: {} ({}); retrying",
            key,
            s.attempt(),
            s.phase(),
            failure,
            detail);
        if (!pause(retry.backoff(tries, null))) {
          return;
        }
      } else {
        try {
          lifecycle.fail(key, s.attempt(), failure, detail);
        } catch (RuntimeException e) {
          log.error(
              "batch {} attempt {} could not be marked {} ({}); it stays in {} until a sweep or rerun resumes it",
              key,
              s.attempt(),
              failure,
              e.getClass().getSimpleName(),
              s.phase());
          return;
        }
      }
      try {
        s = lifecycle.find(key).orElse(null);
      } catch (UncheckedIOException | StateCorruptException | BatchStateCorruptException e) {
        log.warn(
            "batch {} state unreadable ({}); the run stops, a sweep resumes it",
            key,
            e.getClass().getSimpleName());
        return;
      }
    }
  }

  private boolean isStopping() {
    return Thread.currentThread().isInterrupted() || chunkPool.isShutdown();
  }

  private static boolean pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
