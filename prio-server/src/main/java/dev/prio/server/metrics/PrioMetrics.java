package dev.prio.server.metrics;

import dev.prio.core.error.RejectReason;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchMeters;
import dev.prio.server.batch.BatchPhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every meter this service registers, with the names and label values of docs/metrics.md. Labels
 * come from enums only, so their cardinality is fixed; no batch id, path or peer address is ever a
 * label. The {@code server} label is a common tag set in configuration.
 */
public final class PrioMetrics implements BatchMeters {
  public static final String BATCHES = "prio.batches";
  public static final String BATCH_FAILURES = "prio.batch.failures";
  public static final String BATCH_PHASE_SECONDS = "prio.batch.phase";
  public static final String BATCHES_IN_PHASE = "prio.batches.in.phase";
  public static final String OLDEST_IN_PHASE = "prio.batch.oldest.in.phase";
  public static final String SUBMISSIONS = "prio.submissions";
  public static final String PEER_REQUEST = "prio.peer.request";
  public static final String PEER_AUTH_FAILURES = "prio.peer.auth.failures";
  public static final String LAST_SUCCESS = "prio.batch.last.success.timestamp";

  /** Gauge: batch state objects the last listing could not parse (skipped, never fatal). */
  public static final String UNREADABLE_STATES = "prio.batch.states.unreadable";

  public static final String CHUNKS_DONE = "prio.chunks.done";
  public static final String CHUNKS_WAITING = "prio.chunks.waiting";
  public static final String STAGING_NOTIFICATIONS = "prio.staging.notifications";

  public static final String VALID = "valid";

  /** The {@code round} label values of {@link #PEER_REQUEST}: one per request A sends. */
  public static final List<String> ROUNDS =
      List.of("handshake", "verify1", "verify2", "total", "publish");

  private final MeterRegistry registry;
  private final Map<String, Counter> submissions = new ConcurrentHashMap<>();
  private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();
  private final Map<BatchPhase, AtomicLong> inPhase = new EnumMap<>(BatchPhase.class);
  private final Map<BatchPhase, AtomicLong> oldestInPhase = new EnumMap<>(BatchPhase.class);
  private final AtomicLong chunksWaiting = new AtomicLong();
  private final Counter chunksDone;

  public PrioMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge(LAST_SUCCESS + ".seconds", lastSuccessEpochSeconds);
    registry.gauge(CHUNKS_WAITING, chunksWaiting);
    chunksDone =
        Counter.builder(CHUNKS_DONE)
            .description("Chunks this replica finished and committed")
            .register(registry);
    for (BatchPhase p : BatchPhase.values()) {
      if (!p.isTerminal()) {
        inPhase.put(
            p, registry.gauge(BATCHES_IN_PHASE, Tags.of("phase", p.label()), new AtomicLong()));
        oldestInPhase.put(
            p,
            registry.gauge(
                OLDEST_IN_PHASE + ".seconds", Tags.of("phase", p.label()), new AtomicLong()));
      }
    }
    // Register every label value up front so dashboards and ratios see zeros, not gaps.
    submission(VALID, 0);
    for (RejectReason r : RejectReason.values()) {
      submission(r.label(), 0);
    }
    for (String outcome : new String[] {"published", "failed", "abandoned"}) {
      Counter.builder(BATCHES).tag("outcome", outcome).register(registry);
    }
    for (BatchFailure f : BatchFailure.values()) {
      Counter.builder(BATCH_FAILURES).tag("reason", f.label()).register(registry);
    }
    // Successful rounds from the start too: a latency quantile over a window needs the series to
    // exist before the first request, or the first requests vanish into its first sample.
    for (String round : ROUNDS) {
      peerTimer(round, "success");
    }
  }

  /**
   * Raises the last-success gauge to {@code when} (it never goes back), e.g. from persisted states
   * after a restart.
   */
  @Override
  public void lastSuccessAt(Instant when) {
    lastSuccessEpochSeconds.accumulateAndGet(when.getEpochSecond(), Math::max);
  }

  public void submission(String outcomeLabel, long count) {
    submissions
        .computeIfAbsent(
            outcomeLabel,
            l ->
                Counter.builder(SUBMISSIONS)
                    .description("Submissions read, by outcome")
                    .tag("reason", l)
                    .register(registry))
        .increment(count);
  }

  @Override
  public void batchFinished(BatchPhase terminal, BatchFailure failure) {
    Counter.builder(BATCHES).tag("outcome", terminal.label()).register(registry).increment();
    if (terminal == BatchPhase.PUBLISHED) {
      lastSuccessAt(Instant.now());
    }
    if (failure != null) {
      Counter.builder(BATCH_FAILURES).tag("reason", failure.label()).register(registry).increment();
    }
  }

  @Override
  public void phaseTime(BatchPhase phase, Duration d) {
    Timer.builder(BATCH_PHASE_SECONDS)
        .tag("phase", phase.label())
        .publishPercentileHistogram()
        .register(registry)
        .record(d);
  }

  public void peerRequest(String round, String outcome, Duration d) {
    peerTimer(round, outcome).record(d);
  }

  private Timer peerTimer(String round, String outcome) {
    return Timer.builder(PEER_REQUEST)
        .tag("round", round)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry);
  }

  public void peerAuthFailure(String reason) {
    Counter.builder(PEER_AUTH_FAILURES).tag("reason", reason).register(registry).increment();
  }

  /** One staging notification read by A, under what it came to (docs/metrics.md). */
  public void stagingNotification(String outcome) {
    Counter.builder(STAGING_NOTIFICATIONS).tag("outcome", outcome).register(registry).increment();
  }

  /** A chunk this replica ran was committed (counted once over all replicas). */
  public void chunkDone() {
    chunksDone.increment();
  }

  /** Chunks not yet finished over all unfinished batches: the backlog the autoscaler reads. */
  @Override
  public void chunksWaiting(long chunks) {
    chunksWaiting.set(chunks);
  }

  /** Current batches per non-terminal phase and the age of the oldest in each. */
  @Override
  public void phaseCensus(Map<BatchPhase, Long> counts, Map<BatchPhase, Duration> oldest) {
    inPhase.forEach((p, g) -> g.set(counts.getOrDefault(p, 0L)));
    oldestInPhase.forEach((p, g) -> g.set(oldest.getOrDefault(p, Duration.ZERO).toSeconds()));
  }
}
