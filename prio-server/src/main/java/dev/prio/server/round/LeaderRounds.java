package dev.prio.server.round;

import static dev.prio.server.round.BatchSteps.call;
import static dev.prio.server.round.BatchSteps.io;
import static dev.prio.server.round.BatchSteps.protocol;

import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchState;
import dev.prio.server.config.PrioProperties;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.peer.Handshake;
import dev.prio.server.peer.PeerClient;
import dev.prio.server.peer.PeerException;
import dev.prio.server.peer.Publish;
import dev.prio.server.peer.RoundMessage;
import dev.prio.server.peer.Total;
import dev.prio.server.publish.PublishRecord;
import dev.prio.server.publish.Publisher;
import dev.prio.server.round.BatchSteps.BatchFailed;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server A drives one batch through its phases. Every step first looks at what is persisted, so
 * running it again after a crash continues where the last run stopped: a finished chunk is never
 * redone, a round in flight is re-sent and B answers it from its stored response.
 */
public final class LeaderRounds {
  private static final Logger log = LoggerFactory.getLogger(LeaderRounds.class);

  private final ProtocolSettings settings;
  private final PrioProperties.Batch config;
  private final BatchRepository batches;
  private final RoundStore rounds;
  private final SubmissionReader reader;
  private final PeerClient peer;
  private final Publisher publisher;
  private final PrioMetrics metrics;
  private final ExecutorService chunkPool;
  private final Clock clock;

  public LeaderRounds(ProtocolSettings settings, PrioProperties.Batch config, BatchRepository batches, RoundStore rounds,
      SubmissionReader reader, PeerClient peer, Publisher publisher, PrioMetrics metrics, ExecutorService chunkPool,
      Clock clock) {
    this.settings = settings;
    this.config = config;
    this.batches = batches;
    this.rounds = rounds;
    this.reader = reader;
    this.peer = peer;
    this.publisher = publisher;
    this.metrics = metrics;
    this.chunkPool = chunkPool;
    this.clock = clock;
  }

  /** Runs the batch until it reaches a terminal phase (or the thread is interrupted). */
  public BatchState run(BatchKey key) {
    BatchState state = batches.find(key).orElseThrow();
    while (!state.phase().isTerminal() && !isStopping()) {
      BatchPhase before = state.phase();
      try {
        state = step(key, state);
      } catch (BatchFailed | RuntimeException e) {
        if (isStopping()) {
          // The process is shutting down: whatever failed, failed because of that. The batch
          // stays in its phase and the next process resumes it.
          log.info("batch {} paused in {} by shutdown", key, state.phase());
          return state;
        }
        state = failOn(key, state, e);
      }
      if (state.phase() != before && state.phaseEnteredAt().containsKey(before.label())) {
        metrics.phaseTime(before, Duration.between(state.phaseEnteredAt().get(before.label()), clock.instant()));
      }
    }
    return state;
  }

  private boolean isStopping() {
    return Thread.currentThread().isInterrupted() || chunkPool.isShutdown();
  }

  private BatchState failOn(BatchKey key, BatchState state, Exception error) {
    if (error instanceof BatchFailed e) {
      return fail(key, state, e.failure, e.getMessage());
    }
    if (error instanceof UncheckedIOException e) {
      log.warn("batch {} storage error: {}", key, e.getCause().getClass().getSimpleName());
      return fail(key, state, BatchFailure.STORAGE_ERROR, "storage error");
    }
    log.error("batch {} failed unexpectedly: {}", key, error.getClass().getName());
    return fail(key, state, BatchFailure.INTERNAL_ERROR, error.getClass().getSimpleName());
  }

  private BatchState step(BatchKey key, BatchState s) throws BatchFailed {
    dev.prio.server.logging.BatchLogContext.step(s.phase().label(), s.attempt());
    return switch (s.phase()) {
      case RECEIVED -> scan(key, s);
      case HANDSHAKE -> handshake(key, s);
      case VERIFY -> verify(key, s);
      case TOTAL -> total(key, s);
      case PUBLISHING -> publish(key, s);
      default -> s;
    };
  }

  private BatchState scan(BatchKey key, BatchState s) throws BatchFailed {
    if (settings.nData(key.batchId()).isEmpty()) {
      throw new BatchFailed(BatchFailure.UNKNOWN_BATCH_ID, "batch id not in DATA_CONFIG");
    }
    ScanResult result = rounds.find(StorageLayout.scan(key, s.attempt()), ScanResult.class).orElse(null);
    if (result == null) {
      InputScan scan = io(() -> InputScan.run(reader, StorageLayout.inputPrefix(key, ServerId.A), (p, l) -> {}));
      int chunkSize = Math.max(1, config.chunkSize());
      int chunks = (int) ((scan.uniqueCount() + chunkSize - 1) / chunkSize);
      result = rounds.save(StorageLayout.scan(key, s.attempt()),
          new ScanResult(scan.uniqueCount(), scan.idChecksum(), chunkSize, chunks, scan.localRejects()), ScanResult.class);
    }
    if (result.uniqueCount() == 0) {
      throw new BatchFailed(BatchFailure.NO_INPUT, "no submissions with an id for this batch and date");
    }
    ScanResult r = result;
    return batches.update(key, x -> x.withProgress(r.chunkCount(), 0, r.localRejects(), clock.instant())
        .withPhase(BatchPhase.HANDSHAKE, clock.instant()));
  }

  private BatchState handshake(BatchKey key, BatchState s) throws BatchFailed {
    ScanResult scan = scanOf(key, s);
    Handshake.Request req = new Handshake.Request(s.attempt(), s.nData(), settings.prgMode().name(), settings.rMode().name(),
        settings.keys().keyFingerprint(), settings.keys().seedFingerprint(), scan.chunkSize(), scan.chunkCount(),
        scan.uniqueCount(), scan.idChecksum());
    Handshake.Response res = call(() -> peer.handshake(key, req));
    return batches.update(key, x -> x.withPeer(res.phase(), null, clock.instant()).withPhase(BatchPhase.VERIFY, clock.instant()));
  }

  private BatchState verify(BatchKey key, BatchState s) throws BatchFailed {
    ScanResult scan = scanOf(key, s);
    PrioConfig prio = PrioConfig.of(s.nData(), key.batchId());
    Semaphore slots = new Semaphore(Math.max(1, config.parallelChunks()));
    List<Future<ChunkResult>> running = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Map<String, InputLine> lines = new LinkedHashMap<>();
    int[] chunk = {0};
    AtomicBoolean failed = new AtomicBoolean();
    io(() -> InputScan.run(reader, StorageLayout.inputPrefix(key, ServerId.A), (position, line) -> {
      if (failed.get()) {
        return; // a chunk failed: the batch will fail, so read on without starting more rounds
      }
      ids.add(line.id());
      lines.put(line.id(), line);
      if (ids.size() == scan.chunkSize() || position == scan.uniqueCount() - 1) {
        int c = chunk[0]++;
        if (rounds.findChunk(key, s.attempt(), c).isEmpty()) {
          ChunkWork work = new ChunkWork(c, settings.server(prio), List.copyOf(ids), new LinkedHashMap<>(lines));
          slots.acquireUninterruptibly();
          running.add(chunkPool.submit(() -> {
            try {
              return runChunk(key, s.attempt(), work);
            } catch (BatchFailed | RuntimeException e) {
              failed.set(true);
              throw e;
            } finally {
              slots.release();
            }
          }));
        }
        ids.clear();
        lines.clear();
      }
    }));
    for (Future<ChunkResult> f : running) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return s;
      } catch (ExecutionException e) {
        running.forEach(r -> r.cancel(true));
        if (e.getCause() instanceof BatchFailed bf) {
          throw bf;
        }
        throw new BatchFailed(BatchFailure.INTERNAL_ERROR, e.getCause().getClass().getSimpleName());
      }
    }
    List<ChunkResult> done = chunks(key, s.attempt(), scan.chunkCount());
    if (done.size() != scan.chunkCount()) {
      throw new BatchFailed(BatchFailure.INTERNAL_ERROR, "input changed during the batch: chunks are missing");
    }
    return batches.update(key, x -> x.withPhase(BatchPhase.TOTAL, clock.instant()));
  }

  private ChunkResult runChunk(BatchKey key, int attempt, ChunkWork work) throws BatchFailed {
    RoundMessage peer1 = call(() -> peer.verify1(key, work.chunk(), new RoundMessage(attempt, work.verify1())));
    RoundMessage mine2 = new RoundMessage(attempt, protocol(() -> work.verify2(peer1.items())));
    RoundMessage peer2 = call(() -> peer.verify2(key, work.chunk(), mine2));
    ChunkResult result = protocol(() -> work.finish(peer2.items()));
    if (rounds.saveChunk(key, attempt, result)) {
      BatchState after = batches.update(key, x -> x.attempt() == attempt && x.phase() == BatchPhase.VERIFY
          ? x.withChunkDone(result.funnel(), clock.instant()) : x);
      log.debug("batch {} chunk {} done ({}/{})", key, work.chunk(), after.chunksDone(), after.chunksTotal());
    }
    return result;
  }

  private BatchState total(BatchKey key, BatchState s) throws BatchFailed {
    ScanResult scan = scanOf(key, s);
    PrioConfig prio = PrioConfig.of(s.nData(), key.batchId());
    ChunkTotals totals = ChunkTotals.of(prio, ServerId.A, chunks(key, s.attempt(), scan.chunkCount()));
    Total.Response res = rounds.find(StorageLayout.peerTotal(key, s.attempt()), Total.Response.class).orElse(null);
    if (res == null) {
      Total.Request req = new Total.Request(s.attempt(), scan.chunkCount(), totals.validCount(), totals.validIds().hex());
      Total.Response answer = call(() -> peer.total(key, req));
      res = rounds.save(StorageLayout.peerTotal(key, s.attempt()), answer, Total.Response.class);
    }
    Funnel funnel = totals.funnel();
    funnel.addAll(scan.localRejects());
    funnel.add(RejectReason.MISSING_ON_PEER.label(), res.peerOnly());
    Total.Response peerTotal = res;
    batches.update(key, x -> x.withProgress(x.chunksTotal(), x.chunksTotal(), funnel.toMap(), clock.instant())
        .withPeer(BatchPhase.TOTAL.name(), peerTotal.funnel(), clock.instant()));
    funnel.toMap().forEach(metrics::submission);
    if (res.validCount() != totals.validCount() || !totals.validIds().hex().equals(res.validIdChecksum())) {
      throw new BatchFailed(BatchFailure.BATCH_MISMATCH, "server B counted different valid submissions");
    }
    long all = Funnel.total(funnel.toMap());
    long valid = totals.validCount();
    if (valid < config.minBatchSize()) {
      throw new BatchFailed(BatchFailure.TOO_FEW_SUBMISSIONS,
          dev.prio.server.batch.FailureHints.tooFewSubmissions(valid, config.minBatchSize(), funnel.toMap(), settings.prgMode()));
    }
    if (all > 0 && (double) (all - valid) / all > config.maxRejectRatio()) {
      throw new BatchFailed(BatchFailure.REJECT_RATIO_EXCEEDED, (all - valid) + " of " + all + " submissions rejected");
    }
    return batches.update(key, x -> x.withPhase(BatchPhase.PUBLISHING, clock.instant()));
  }

  private BatchState publish(BatchKey key, BatchState s) throws BatchFailed {
    ScanResult scan = scanOf(key, s);
    PrioConfig prio = PrioConfig.of(s.nData(), key.batchId());
    ChunkTotals totals = ChunkTotals.of(prio, ServerId.A, chunks(key, s.attempt(), scan.chunkCount()));
    Total.Response peerTotal = rounds.find(StorageLayout.peerTotal(key, s.attempt()), Total.Response.class).orElseThrow();
    int version = s.forcePublish() ? s.publishedVersion() + 1 : Math.max(1, s.publishedVersion());
    PublishRecord record = publisher.find(key, version).orElse(null);
    if (record == null) {
      TotalShare b;
      List<Long> counts;
      try {
        b = dev.prio.core.codec.TotalShareCodec.read(java.util.Base64.getDecoder().decode(peerTotal.totalShare()), s.nData());
        counts = Publisher.combine(prio, totals.totalShare(), b);
      } catch (dev.prio.core.error.PrioException | IllegalArgumentException e) {
        throw new BatchFailed(BatchFailure.BATCH_MISMATCH, "server B's total share is not valid");
      }
      long all = Funnel.total(s.funnel());
      record = Publisher.newRecord(counts, all - totals.validCount(), all, clock.instant());
    }
    PublishRecord written = publisher.write(key, s, version, record, s.peerFunnel(), clock.instant());
    Publish.Request req = new Publish.Request(s.attempt(), BatchPhase.PUBLISHED.name(), null, totals.totalShareBase64(), written, version,
        s.funnel());
    Publish.Response res = call(() -> peer.publish(key, req));
    BatchState done = batches.update(key, x -> x.withPublishedVersion(version, clock.instant())
        .withPeer(res.phase(), null, clock.instant()).withPhase(BatchPhase.PUBLISHED, clock.instant()));
    metrics.batchFinished(BatchPhase.PUBLISHED, null);
    return done;
  }

  private BatchState fail(BatchKey key, BatchState s, BatchFailure failure, String detail) {
    log.warn("batch {} failed: {} ({})", key, failure, detail);
    BatchState failed = batches.update(key, x -> x.phase().isTerminal() ? x : x.failed(failure, detail, clock.instant()));
    metrics.batchFinished(BatchPhase.FAILED, failure);
    if (s.phase() != BatchPhase.RECEIVED) {
      notifyPeer(key, failed, BatchPhase.FAILED, failure);
    }
    return failed;
  }

  /** Best effort: B also ends the batch; if B is unreachable its own state says what it last saw. */
  public void notifyPeer(BatchKey key, BatchState s, BatchPhase outcome, BatchFailure failure) {
    try {
      peer.publish(key, new Publish.Request(s.attempt(), outcome.name(), failure == null ? null : failure.name(), null, null, 0,
          s.funnel()));
    } catch (PeerException e) {
      log.warn("could not tell server B that batch {} ended as {}: {}", key, outcome, e.kind());
    }
  }

  private ScanResult scanOf(BatchKey key, BatchState s) {
    return rounds.find(StorageLayout.scan(key, s.attempt()), ScanResult.class).orElseThrow();
  }

  private List<ChunkResult> chunks(BatchKey key, int attempt, int count) {
    List<ChunkResult> out = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      rounds.findChunk(key, attempt, c).ifPresent(out::add);
    }
    return out;
  }
}
