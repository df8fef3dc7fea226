package dev.prio.server.round;

import static dev.prio.server.round.BatchSteps.call;
import static dev.prio.server.round.BatchSteps.io;

import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchDriver;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchProgress;
import dev.prio.server.batch.BatchState;
import dev.prio.server.batch.FailureHints;
import dev.prio.server.lease.Leases;
import dev.prio.server.logging.BatchLogContext;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.peer.Handshake;
import dev.prio.server.peer.PeerClient;
import dev.prio.server.peer.RetryPolicy;
import dev.prio.server.peer.Total;
import dev.prio.server.publish.Publisher;
import dev.prio.server.round.BatchSteps.BatchFailed;
import dev.prio.server.settings.PrioProperties;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * Server A drives one batch through its phases. Every replica of A runs this for every unfinished
 * batch; the batch-level steps are taken only by the replica holding the attempt's driver lease,
 * and in VERIFY every replica runs the chunks it can claim ({@link ChunkClaims}). Every step first
 * looks at what is persisted, so running it again after a crash continues where the last run
 * stopped: a finished chunk is never redone, a round in flight is re-sent and B answers it from its
 * stored response. How a step's trouble ends the attempt (or does not) is {@link StepLoop}'s; each
 * phase change is the {@link BatchLifecycle}'s.
 */
public final class LeaderRounds implements BatchDriver {
  private final ProtocolSettings settings;
  private final PrioProperties.Batch config;
  private final BatchLifecycle lifecycle;
  private final RoundStore rounds;
  private final PeerClient peer;
  private final LeaderPublish publish;
  private final LeaderVerify verify;
  private final LeaderScan scanner;
  private final StepLoop loop;
  private final PrioMetrics metrics;
  private final Clock clock;
  private final ChunkClaims claims;
  private final BatchProgress progress;
  private final ExecutorService chunkPool;

  public LeaderRounds(
      ProtocolSettings settings,
      PrioProperties.Batch config,
      BatchLifecycle lifecycle,
      BatchProgress progress,
      RoundStore rounds,
      SubmissionReader reader,
      PeerClient peer,
      Publisher publisher,
      PrioMetrics metrics,
      ExecutorService chunkPool,
      RetryPolicy storageRetry,
      Leases leases,
      Spill spill,
      Clock clock) {
    this.settings = settings;
    this.config = config;
    this.lifecycle = lifecycle;
    this.rounds = rounds;
    this.peer = peer;
    this.metrics = metrics;
    this.clock = clock;
    this.chunkPool = chunkPool;
    this.progress = progress;
    this.claims = new ChunkClaims(leases, rounds, progress, metrics, clock);
    this.verify =
        new LeaderVerify(
            settings, rounds, reader, peer, chunkPool, config.parallelChunks(), claims);
    this.scanner = new LeaderScan(reader, chunkPool, rounds, spill);
    this.publish = new LeaderPublish(lifecycle, rounds, peer, publisher, clock);
    this.loop = new StepLoop(lifecycle, storageRetry, chunkPool);
  }

  /** Runs the batch until it reaches a terminal phase (or the thread is interrupted). */
  @Override
  public void run(BatchKey key) {
    try {
      BatchLogContext.run(key, () -> loop.run(key, this::step));
    } finally {
      if (!chunkPool.isShutdown()) {
        claims.stopDriving(key); // a stopping server leaves its leases to Leases.close()
      }
    }
  }

  private BatchState step(BatchKey key, BatchState s) throws BatchFailed {
    BatchLogContext.step(s.phase().label(), s.attempt());
    if (s.phase() == BatchPhase.VERIFY) {
      return verifyStep(key, s);
    }
    if (!s.phase().isTerminal()) {
      claims.drive(key, s.attempt());
    }
    return switch (s.phase()) {
      case RECEIVED -> scan(key, s);
      case HANDSHAKE -> handshake(key, s);
      case TOTAL -> total(key, s);
      case PUBLISHING ->
          publish.publish(
              key,
              s,
              rounds
                  .find(StorageLayout.leaderTotal(key, s.attempt()), LeaderTotal.class)
                  .orElseThrow(
                      () ->
                          new BatchFailed(
                              BatchFailure.INTERNAL_ERROR, "no total recorded for this attempt")));
      default -> s;
    };
  }

  /**
   * Any replica: a pass over the input when some chunk is free. The driver then waits for the
   * chunks other replicas run (taking over, with another pass, those whose lease expired) and moves
   * the batch to TOTAL; any other replica's run ends here, and the next sweep brings it back.
   */
  private BatchState verifyStep(BatchKey key, BatchState s) throws BatchFailed {
    ScanResult scan = scanOf(key, s);
    boolean complete =
        claims.anyFree(key, s.attempt(), scan.chunkCount())
            ? verify.verify(key, s, scan)
            : claims.missing(key, s.attempt(), scan.chunkCount()).isEmpty();
    claims.drive(key, s.attempt());
    if (complete || claims.missing(key, s.attempt(), scan.chunkCount()).isEmpty()) {
      progress.flush(key, s.attempt()); // the total round then makes the counts exact
      return lifecycle.advance(key, s.attempt(), BatchPhase.TOTAL);
    }
    if (!claims.anyFree(key, s.attempt(), scan.chunkCount())) {
      try {
        Thread.sleep(claims.pollMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return lifecycle.find(key).orElse(s);
  }

  private BatchState scan(BatchKey key, BatchState s) throws BatchFailed {
    if (settings.nData(key.batchId()).isEmpty()) {
      throw new BatchFailed(BatchFailure.UNKNOWN_BATCH_ID, "batch id not in DATA_CONFIG");
    }
    ScanResult result =
        rounds.find(StorageLayout.scan(key, s.attempt()), ScanResult.class).orElse(null);
    if (result == null) {
      result =
          io(
              () ->
                  scanner.run(
                      key,
                      s.attempt(),
                      StorageLayout.inputPrefix(key, ServerId.A),
                      Math.max(1, config.chunkSize())));
    }
    if (result.uniqueCount() == 0) {
      throw new BatchFailed(
          BatchFailure.NO_INPUT, "no submissions with an id for this batch and date");
    }
    ScanResult r = result;
    return lifecycle.advance(
        key,
        s.attempt(),
        BatchPhase.HANDSHAKE,
        x -> x.withProgress(r.chunkCount(), 0, r.localRejects(), clock.instant()));
  }

  private BatchState handshake(BatchKey key, BatchState s) throws BatchFailed {
    ScanResult scan = scanOf(key, s);
    Handshake.Request req =
        new Handshake.Request(
            s.attempt(),
            s.nData(),
            settings.prgMode().name(),
            settings.rMode().name(),
            settings.keys().keyFingerprint(),
            settings.keys().seedFingerprint(),
            scan.chunkSize(),
            scan.chunkCount(),
            scan.uniqueCount(),
            scan.idChecksum());
    Handshake.Response res = call(() -> peer.handshake(key, req));
    return lifecycle.advance(
        key, s.attempt(), BatchPhase.VERIFY, x -> x.withPeer(res.phase(), null, clock.instant()));
  }

  private BatchState total(BatchKey key, BatchState s) throws BatchFailed {
    ScanResult scan = scanOf(key, s);
    LeaderTotal recorded =
        rounds.find(StorageLayout.leaderTotal(key, s.attempt()), LeaderTotal.class).orElse(null);
    if (recorded == null) {
      Funnel funnel = new Funnel();
      ChunkTotals totals =
          ChunkTotals.of(
              PrioConfig.of(s.nData(), key.batchId()),
              ServerId.A,
              scan.chunkCount(),
              c ->
                  rounds
                      .findChunk(key, s.attempt(), c)
                      .orElseThrow(
                          () ->
                              new BatchFailed(
                                  BatchFailure.INTERNAL_ERROR, "chunk " + c + " has no result")));
      Total.Request req =
          new Total.Request(
              s.attempt(),
              scan.chunkCount(),
              totals.validCount(),
              totals.validIds().hex(),
              totals.chunkDigest());
      Total.Response answer = call(() -> peer.total(key, req));
      if (answer.validCount() != totals.validCount()
          || !totals.validIds().hex().equals(answer.validIdChecksum())
          || !totals.chunkDigest().equals(answer.chunkDigest())) {
        throw new BatchFailed(
            BatchFailure.BATCH_MISMATCH, "server B counted different valid submissions");
      }
      if (answer.peerOnly() < 0) {
        throw new BatchFailed(
            BatchFailure.INPUT_CHANGED, "server B reports a negative count of ids only it holds");
      }
      funnel.addAll(totals.funnel().toMap());
      funnel.addAll(scan.localRejects());
      funnel.add(RejectReason.MISSING_ON_PEER.label(), answer.peerOnly());
      funnel.toMap().forEach(metrics::submission);
      recorded =
          rounds.save(
              StorageLayout.leaderTotal(key, s.attempt()),
              new LeaderTotal(
                  totals.totalShareBase64(),
                  totals.validCount(),
                  funnel.toMap(),
                  answer,
                  totals.chunksBy()),
              LeaderTotal.class);
    }
    LeaderTotal total = recorded;
    BatchState counted =
        lifecycle.progress(
            key,
            s.attempt(),
            x ->
                x.withProgress(x.chunksTotal(), x.chunksTotal(), total.funnel(), clock.instant())
                    .withChunksDoneBy(total.chunksDoneBy(), clock.instant())
                    .withPeer(BatchPhase.TOTAL, total.peer().funnel(), clock.instant()));
    long all = Funnel.total(counted.funnel());
    long valid = total.validCount();
    if (valid < config.minBatchSize()) {
      throw new BatchFailed(
          BatchFailure.TOO_FEW_SUBMISSIONS,
          FailureHints.tooFewSubmissions(
              valid, config.minBatchSize(), counted.funnel(), settings.prgMode()));
    }
    if (all > 0 && (double) (all - valid) / all > config.maxRejectRatio()) {
      throw new BatchFailed(
          BatchFailure.REJECT_RATIO_EXCEEDED,
          (all - valid) + " of " + all + " submissions rejected");
    }
    return lifecycle.advance(key, s.attempt(), BatchPhase.PUBLISHING);
  }

  private ScanResult scanOf(BatchKey key, BatchState s) throws BatchFailed {
    return rounds
        .find(StorageLayout.scan(key, s.attempt()), ScanResult.class)
        .orElseThrow(
            () ->
                new BatchFailed(BatchFailure.INTERNAL_ERROR, "no scan recorded for this attempt"));
  }
}
