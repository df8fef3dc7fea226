package dev.prio.server.batch;

import dev.prio.core.packet.ServerId;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.round.LeaderRounds;
import dev.prio.server.round.ProtocolSettings;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's verbs on a batch: start, rerun, abandon, look. On server A, starting (or
 * resuming after a restart) hands the batch to {@link LeaderRounds} on a background thread; one
 * run per batch at a time. Server B's batches are started by A's handshake, so B only looks.
 */
public final class BatchService {
  private static final Logger log = LoggerFactory.getLogger(BatchService.class);

  private final ServerId role;
  private final BatchRepository batches;
  private final ProtocolSettings settings;
  private final LeaderRounds leader;
  private final ExecutorService batchPool;
  private final PrioMetrics metrics;
  private final Clock clock;
  private final Map<BatchKey, Future<?>> running = new ConcurrentHashMap<>();

  public BatchService(ServerId role, BatchRepository batches, ProtocolSettings settings, LeaderRounds leader,
      ExecutorService batchPool, PrioMetrics metrics, Clock clock) {
    this.role = role;
    this.batches = batches;
    this.settings = settings;
    this.leader = leader;
    this.batchPool = batchPool;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Idempotent: the same batch again returns its state; different parameters are a conflict. */
  public BatchState start(BatchKey key, Integer nDataOverride) {
    requireLeader();
    int nData = nDataOverride != null ? nDataOverride : settings.nData(key.batchId()).orElse(0);
    if (nDataOverride != null && settings.nData(key.batchId()).filter(n -> !n.equals(nDataOverride)).isPresent()) {
      throw new ProblemException(ProblemType.BATCH_CONFLICT, "n_data differs from DATA_CONFIG for this batch id");
    }
    BatchState state = batches.createIfAbsent(BatchState.received(key.submissionDate(), key.batchId(), role, nData, clock.instant()));
    if (state.nData() != nData) {
      throw new ProblemException(ProblemType.BATCH_CONFLICT, "this batch was started with n_data " + state.nData());
    }
    launch(key);
    return batches.find(key).orElse(state);
  }

  public BatchState rerun(BatchKey key, boolean force) {
    requireLeader();
    BatchState current = find(key);
    if (!current.phase().isTerminal()) {
      throw new ProblemException(ProblemType.BATCH_CONFLICT, "the batch is still running (" + current.phase() + ")");
    }
    if (current.phase() == BatchPhase.PUBLISHED && !force) {
      throw new ProblemException(ProblemType.BATCH_CONFLICT, "the batch is published; rerun with force=true to publish a new version");
    }
    batches.update(key, s -> s.phase().isTerminal() ? s.rerun(force || s.phase() == BatchPhase.PUBLISHED, clock.instant()) : s);
    launch(key);
    return find(key);
  }

  public BatchState abandon(BatchKey key) {
    BatchState current = find(key);
    if (current.phase().isTerminal()) {
      return current;
    }
    Future<?> f = running.get(key);
    if (f != null) {
      f.cancel(true);
    }
    BatchState done = batches.update(key, s -> s.phase().isTerminal() ? s : s.withPhase(BatchPhase.ABANDONED, clock.instant()));
    metrics.batchFinished(BatchPhase.ABANDONED, null);
    if (role == ServerId.A && current.phase() != BatchPhase.RECEIVED) {
      // Telling B may take the whole retry budget if B is down: not on the operator's request.
      batchPool.submit(() -> leader.notifyPeer(key, done, BatchPhase.ABANDONED, null));
    }
    return done;
  }

  public BatchState find(BatchKey key) {
    return batches.find(key).orElseThrow(() -> new ProblemException(ProblemType.UNKNOWN_BATCH, "no such batch on this server"));
  }

  public BatchState find(String batchId, LocalDate date) {
    if (date != null) {
      return find(new BatchKey(date, batchId));
    }
    return batches.findLatest(batchId).orElseThrow(() -> new ProblemException(ProblemType.UNKNOWN_BATCH, "no such batch on this server"));
  }

  public List<BatchState> recent(int limit) {
    return batches.all().stream()
        .sorted((a, b) -> b.updatedAt().compareTo(a.updatedAt()))
        .limit(limit)
        .toList();
  }

  /** Server A picks up every batch a previous process left unfinished. */
  public void resumeUnfinished() {
    if (role != ServerId.A) {
      return;
    }
    for (BatchState s : batches.all()) {
      if (!s.phase().isTerminal()) {
        log.info("resuming batch {} in phase {}", BatchRepository.key(s), s.phase());
        launch(BatchRepository.key(s));
      }
    }
  }

  /** Batches per non-terminal phase and the age of the oldest, for the gauges. */
  public void census() {
    Map<BatchPhase, Long> counts = new EnumMap<>(BatchPhase.class);
    Map<BatchPhase, Duration> oldest = new EnumMap<>(BatchPhase.class);
    Instant now = clock.instant();
    for (BatchState s : batches.all()) {
      if (s.phase() == BatchPhase.PUBLISHED) {
        metrics.lastSuccessAt(s.updatedAt());
      }
      if (s.phase().isTerminal()) {
        continue;
      }
      counts.merge(s.phase(), 1L, Long::sum);
      Instant since = Optional.ofNullable(s.phaseEnteredAt().get(s.phase().label())).orElse(s.updatedAt());
      Duration age = Duration.between(since, now);
      oldest.merge(s.phase(), age, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
    metrics.phaseCensus(counts, oldest);
  }

  private void launch(BatchKey key) {
    running.compute(key, (k, existing) -> {
      if (existing != null && !existing.isDone()) {
        return existing;
      }
      return batchPool.submit(() -> {
        try {
          dev.prio.server.logging.BatchLogContext.run(k, () -> leader.run(k));
        } finally {
          running.remove(k);
        }
      });
    });
  }

  private void requireLeader() {
    if (role != ServerId.A) {
      throw new ProblemException(ProblemType.NOT_LEADER, "server B's batches are started by server A");
    }
  }
}
