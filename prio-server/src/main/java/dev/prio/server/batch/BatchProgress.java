package dev.prio.server.batch;

import dev.prio.server.storage.BatchKey;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The finished chunks' running counts in {@code batch.json}, written by this process at most once
 * per interval per attempt instead of once per chunk: GCS accepts about one write a second to one
 * object name, and a batch finishes many chunks a second over all replicas (docs/scale-out.md, "One
 * hot object").
 *
 * <p>What says a chunk is done is its stored result (create-if-absent); these counts are only what
 * the status shows during VERIFY. Counts a process never wrote (it crashed) are lost from them
 * alone: the total round sets them exactly from the stored chunk results. So a write counts only
 * while the attempt is in VERIFY, never over the exact counts of the total round.
 */
public final class BatchProgress implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchProgress.class);

  private record Slot(BatchKey key, int attempt) {}

  /** Not yet written: how many chunks, their funnels summed, and (on A) chunks per holder. */
  private record Delta(int chunks, Map<String, Long> funnel, Map<String, Long> byHolder) {
    Delta plus(Delta o) {
      return new Delta(chunks + o.chunks, sum(funnel, o.funnel), sum(byHolder, o.byHolder));
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
      Map<String, Long> out = new TreeMap<>(a);
      b.forEach((k, v) -> out.merge(k, v, Long::sum));
      return out;
    }
  }

  private final BatchLifecycle lifecycle;
  private final Clock clock;
  private final Map<Slot, Delta> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  public BatchProgress(BatchLifecycle lifecycle, Clock clock, Duration interval) {
    this.lifecycle = lifecycle;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "prio-batch-progress");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(1, interval.toMillis());
    timer.scheduleWithFixedDelay(this::flushAll, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * A chunk whose result this process stored (its create-if-absent won), counted at the next write.
   *
   * @param holder the replica of A that committed it; null on B
   */
  public void chunkDone(BatchKey key, int attempt, Map<String, Long> funnel, String holder) {
    Delta one = new Delta(1, funnel, holder == null ? Map.of() : Map.of(holder, 1L));
    pending.merge(new Slot(key, attempt), one, Delta::plus);
  }

  /** Writes what this process holds for the attempt now (A's driver, before it leaves VERIFY). */
  public void flush(BatchKey key, int attempt) {
    write(new Slot(key, attempt));
  }

  /**
   * Writes everything held, one compare-and-set per attempt; never throws (it runs on the timer).
   */
  public void flushAll() {
    for (Slot slot : pending.keySet()) {
      try {
        write(slot);
      } catch (RuntimeException e) {
        log.warn(
            "progress of batch {} attempt {} not written: {}",
            slot.key(),
            slot.attempt(),
            e.toString());
      }
    }
  }

  /** A graceful stop writes what it holds; a crash loses it, which the total round repairs. */
  @Override
  public void close() {
    timer.shutdownNow();
    flushAll();
  }

  private void write(Slot slot) {
    Delta d = pending.remove(slot);
    if (d == null) {
      return;
    }
    try {
      lifecycle.progress(
          slot.key(),
          slot.attempt(),
          s ->
              s.phase() == BatchPhase.VERIFY
                  ? s.plusChunks(d.chunks(), d.funnel(), d.byHolder(), clock.instant())
                  : s);
    } catch (UncheckedIOException e) {
      pending.merge(slot, d, Delta::plus); // the storage may answer at the next write
      throw e;
    }
  }
}
