package dev.prio.server.logging;

import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.ExecutorService;

/**
 * Executors whose tasks run in the context of the thread that submitted them: the current
 * observation (so a peer request from a chunk thread belongs to the batch run's trace and sends its
 * {@code traceparent}) and the {@link BatchLogContext} MDC keys.
 */
public final class ContextExecutors {
  private ContextExecutors() {}

  private static ContextSnapshotFactory snapshots() {
    ContextRegistry registry =
        new ContextRegistry()
            .loadThreadLocalAccessors()
            .registerThreadLocalAccessor(
                new Slf4jThreadLocalAccessor(BatchLogContext.KEYS.toArray(String[]::new)));
    return ContextSnapshotFactory.builder().contextRegistry(registry).build();
  }

  /** Propagates the submitter's observation and batch MDC keys into each task. */
  public static ExecutorService propagating(ExecutorService pool) {
    ContextSnapshotFactory factory = snapshots();
    return ContextExecutorService.wrap(pool, factory::captureAll);
  }

  /**
   * Each task is its own observation {@code name} (a new trace when the submitter has none): one
   * batch run of server A, whose peer requests and their answers on B share its trace id.
   */
  public static ExecutorService observed(
      ExecutorService pool, ObservationRegistry registry, String name) {
    return new java.util.concurrent.AbstractExecutorService() {
      @Override
      public void execute(Runnable task) {
        pool.execute(() -> Observation.createNotStarted(name, registry).observe(task));
      }

      @Override
      public void shutdown() {
        pool.shutdown();
      }

      @Override
      public java.util.List<Runnable> shutdownNow() {
        return pool.shutdownNow();
      }

      @Override
      public boolean isShutdown() {
        return pool.isShutdown();
      }

      @Override
      public boolean isTerminated() {
        return pool.isTerminated();
      }

      @Override
      public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit)
          throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
      }
    };
  }
}
