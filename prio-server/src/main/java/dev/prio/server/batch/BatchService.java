package dev.prio.server.batch;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's verbs on a batch: start, rerun, abandon, look. On server A, starting (or resuming
 * after a restart, or picking up a batch whose run stopped on a storage error) hands the batch to
 * the {@link BatchDriver} on a background thread, one run per batch at a time. Server B's batches
 * are started by A's handshake, so B only looks and abandons.
 */
public final class BatchService {
  private static final Logger log = LoggerFactory.getLogger(BatchService.class);

  private final ServerId role;
  private final BatchRepository batches;
  private final BatchLifecycle lifecycle;
  private final Function<String, Optional<Integer>> nDataOf;
  private final BatchRunner runner;
  private final BatchMeters metrics;
  private final Clock clock;
  private volatile boolean listedAll;

  /**
   * @param nDataOf DATA_CONFIG's n_data for a batch id, if it names it
   * @param driver A's rounds; null on B
   */
  public BatchService(
      ServerId role,
      BatchRepository batches,
      BatchLifecycle lifecycle,
      Function<String, Optional<Integer>> nDataOf,
      BatchDriver driver,
      ExecutorService batchPool,
      BatchMeters metrics,
      Clock clock) {
    this.role = role;
    this.batches = batches;
    this.lifecycle = lifecycle;
    this.nDataOf = nDataOf;
    this.runner = driver == null ? null : new BatchRunner(driver, batchPool);
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Idempotent: the same batch again returns its state; different parameters are a conflict. */
  public BatchState start(BatchKey key, Integer nDataOverride) {
    requireLeader();
    Optional<Integer> configured = nDataOf.apply(key.batchId());
    if (configured.isEmpty()) {
      // Refused at once rather than accepted and failed later: n_data comes only from DATA_CONFIG
      // (design §3), so nothing could ever run.
      throw new ProblemException(
          ProblemType.UNKNOWN_BATCH_ID, "batch id " + key.batchId() + " is not in DATA_CONFIG");
    }
    if (nDataOverride != null && configured.filter(n -> !n.equals(nDataOverride)).isPresent()) {
      throw new ProblemException(
          ProblemType.BATCH_CONFLICT, "n_data differs from DATA_CONFIG for this batch id");
    }
    int nData = nDataOverride != null ? nDataOverride : configured.orElse(0);
    BatchState state = lifecycle.received(key, nData);
    if (state.nData() != nData) {
      throw new ProblemException(
          ProblemType.BATCH_CONFLICT, "this batch was started with n_data " + state.nData());
    }
    runner.launch(key);
    return batches.find(key).orElse(state);
  }

  /**
   * A new attempt of an ended batch. A batch whose run stopped without ending it (its storage
   * failed even for the failure record) is not running: rerun resumes it where it stopped.
   */
  public BatchState rerun(BatchKey key, boolean force) {
    requireLeader();
    BatchState current = find(key);
    if (!current.phase().isTerminal() && !runner.isRunning(key)) {
      log.info(
          "batch {} attempt {} was not running; resuming it in {}",
          key,
          current.attempt(),
          current.phase());
      runner.launch(key);
      return current;
    }
    BatchState next = lifecycle.rerun(key, force);
    runner.launch(key);
    return next;
  }

  public BatchState abandon(BatchKey key) {
    find(key);
    BatchState done = lifecycle.abandon(key);
    if (runner != null) {
      runner.stop(key);
    }
    return done;
  }

  public BatchState find(BatchKey key) {
    return batches
        .find(key)
        .orElseThrow(
            () -> new ProblemException(ProblemType.UNKNOWN_BATCH, "no such batch on this server"));
  }

  /**
   * The batch on that date, in that window (the whole day's when null); without a date, the latest
   * (of that window, when given).
   */
  public BatchState find(String batchId, LocalDate date, String window) {
    if (date != null) {
      return find(new BatchKey(date, batchId, window));
    }
    return batches
        .findLatest(batchId, window)
        .orElseThrow(
            () -> new ProblemException(ProblemType.UNKNOWN_BATCH, "no such batch on this server"));
  }

  public List<BatchState> recent(int limit) {
    return batches.all().stream()
        .sorted((a, b) -> b.updatedAt().compareTo(a.updatedAt()))
        .limit(limit)
        .toList();
  }

  /**
   * One sweep: resumes what is unfinished and refreshes the gauges, from the batches that are not
   * settled ({@link BatchRepository#active()}), so its cost follows the work in flight and not the
   * history the bucket keeps. A process's first sweep reads every state instead: it marks what a
   * previous version left unsettled without a marker, and sets the last-success gauge from every
   * published batch; after that the gauge rises with the publishes this process makes or reads
   * ({@link PublishedStates}, which the canary check follows too).
   */
  public void sweep() {
    List<BatchState> states;
    if (listedAll) {
      states = batches.active();
    } else {
      states = batches.all();
      batches.markUnsettled(states);
      listedAll = true;
    }
    resumeUnfinished(states);
    census(states);
  }

  /**
   * Server A picks up every unfinished batch that no run in this process is driving, at start-up
   * (what a previous process left) and on every sweep (a run that stopped because even its failure
   * could not be stored), and tells B again of attempts that ended here unheard by B. With several
   * replicas every one of them does this: a run on a batch another replica drives works the chunks
   * it can claim and ends (docs/scale-out.md), so the sweep is also how a replica joins a batch.
   */
  private void resumeUnfinished(List<BatchState> states) {
    if (runner == null) {
      return;
    }
    for (BatchState s : states) {
      BatchKey key = BatchRepository.key(s);
      if (!s.phase().isTerminal() && !runner.isRunning(key)) {
        log.info("resuming batch {} attempt {} in phase {}", key, s.attempt(), s.phase());
        runner.launch(key);
      } else if (s.phase().isTerminal()) {
        lifecycle.renotify(s);
      }
    }
  }

  /** Batches per non-terminal phase and the age of the oldest, for the gauges. */
  private void census(List<BatchState> states) {
    Map<BatchPhase, Long> counts = new EnumMap<>(BatchPhase.class);
    Map<BatchPhase, Duration> oldest = new EnumMap<>(BatchPhase.class);
    Instant now = clock.instant();
    long waiting = 0;
    for (BatchState s : states) {
      lifecycle.published().seen(s);
      if (s.phase().isTerminal()) {
        continue;
      }
      counts.merge(s.phase(), 1L, Long::sum);
      waiting += Math.max(0, s.chunksTotal() - s.chunksDone());
      Instant since =
          Optional.ofNullable(s.phaseEnteredAt().get(s.phase().label())).orElse(s.updatedAt());
      Duration age = Duration.between(since, now);
      oldest.merge(s.phase(), age, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
    metrics.phaseCensus(counts, oldest);
    metrics.chunksWaiting(waiting);
  }

  /** Whether a run of the batch is under way in this process (a test waits for it to end). */
  boolean isRunning(BatchKey key) {
    return runner != null && runner.isRunning(key);
  }

  private void requireLeader() {
    if (role != ServerId.A) {
      throw new ProblemException(
          ProblemType.NOT_LEADER, "server B's batches are started by server A");
    }
  }
}
