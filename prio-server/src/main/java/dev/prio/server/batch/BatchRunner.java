package dev.prio.server.batch;

import dev.prio.server.storage.BatchKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * At most one run per batch in this process, and a launch is never lost: a launch that arrives
 * while a run is finishing (a rerun right after a failure, a sweep) makes that run go round once
 * more instead of being dropped, so an accepted rerun always runs.
 */
final class BatchRunner {
  private final BatchDriver driver;
  private final ExecutorService pool;
  private final Map<BatchKey, Run> runs = new HashMap<>();

  private static final class Run {
    Future<?> future;
    boolean again;
  }

  BatchRunner(BatchDriver driver, ExecutorService pool) {
    this.driver = driver;
    this.pool = pool;
  }

  synchronized void launch(BatchKey key) {
    Run run = runs.get(key);
    if (run != null) {
      run.again = true;
      return;
    }
    Run fresh = new Run();
    runs.put(key, fresh);
    fresh.future = pool.submit(() -> loop(key, fresh));
  }

  synchronized boolean isRunning(BatchKey key) {
    return runs.containsKey(key);
  }

  /** Interrupts the batch's run, if any (abandon). */
  synchronized void stop(BatchKey key) {
    Run run = runs.get(key);
    if (run != null) {
      run.again = false;
      if (run.future != null) {
        run.future.cancel(true);
      }
    }
  }

  private void loop(BatchKey key, Run run) {
    try {
      while (true) {
        driver.run(key);
        synchronized (this) {
          if (!run.again || Thread.currentThread().isInterrupted() || pool.isShutdown()) {
            return;
          }
          run.again = false;
        }
      }
    } finally {
      synchronized (this) {
        runs.remove(key, run);
      }
    }
  }
}
