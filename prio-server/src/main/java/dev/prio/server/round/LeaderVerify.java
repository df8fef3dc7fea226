package dev.prio.server.round;

import static dev.prio.server.round.BatchSteps.call;
import static dev.prio.server.round.BatchSteps.io;
import static dev.prio.server.round.BatchSteps.protocol;

import dev.prio.core.packet.PrioConfig;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchState;
import dev.prio.server.peer.PeerClient;
import dev.prio.server.peer.RoundMessage;
import dev.prio.server.round.BatchSteps.BatchFailed;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A's VERIFY phase: every chunk of the scan's plan not yet finished reads its own byte ranges of
 * A's input (and nothing else) and goes through verify1 and verify2 with B, up to the configured
 * number at a time. A chunk whose bytes are not what the scan (and so the handshake) saw fails the
 * attempt as INPUT_CHANGED before anything is summed.
 */
final class LeaderVerify {
  private static final Logger log = LoggerFactory.getLogger(LeaderVerify.class);

  private final ProtocolSettings settings;
  private final BatchLifecycle lifecycle;
  private final RoundStore rounds;
  private final SubmissionReader reader;
  private final PeerClient peer;
  private final ExecutorService chunkPool;
  private final int parallelChunks;
  private final Clock clock;

  LeaderVerify(ProtocolSettings settings, BatchLifecycle lifecycle, RoundStore rounds, SubmissionReader reader, PeerClient peer,
      ExecutorService chunkPool, int parallelChunks, Clock clock) {
    this.clock = clock;
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.rounds = rounds;
    this.reader = reader;
    this.peer = peer;
    this.chunkPool = chunkPool;
    this.parallelChunks = Math.max(1, parallelChunks);
  }

  BatchState verify(BatchKey key, BatchState s, ScanResult scan) throws BatchFailed {
    PrioConfig prio = PrioConfig.of(s.nData(), key.batchId());
    Semaphore slots = new Semaphore(parallelChunks);
    List<Future<?>> running = new ArrayList<>();
    for (int page = 0; page * scan.pageSize() < scan.chunkCount(); page++) {
      ChunkPlan.Page plan = planPage(key, s.attempt(), page);
      for (ChunkPlan chunk : plan.chunks()) {
        if (rounds.findChunk(key, s.attempt(), chunk.chunk()).isPresent()) {
          continue;
        }
        slots.acquireUninterruptibly();
        // Finished chunks leave the list (their results are stored, not kept): it stays as short as
        // the chunks in flight, whatever the batch size. A failed one stays for awaitAll to report.
        running.removeIf(f -> f.isDone() && !failed(f));
        if (running.stream().anyMatch(f -> f.isDone() && failed(f))) {
          slots.release();
          break; // a chunk failed: the batch will fail, start no more
        }
        running.add(chunkPool.submit(() -> {
          try {
            runChunk(key, s.attempt(), readChunk(scan, chunk, prio));
            return null;
          } finally {
            slots.release();
          }
        }));
      }
    }
    awaitAll(running);
    for (int c = 0; c < scan.chunkCount(); c++) {
      if (rounds.findChunk(key, s.attempt(), c).isEmpty()) {
        throw new BatchFailed(BatchFailure.INTERNAL_ERROR, "chunk " + c + " has no result after the verify pass");
      }
    }
    return lifecycle.advance(key, s.attempt(), BatchPhase.TOTAL);
  }

  private ChunkPlan.Page planPage(BatchKey key, int attempt, int page) throws BatchFailed {
    return rounds.find(StorageLayout.scanPlan(key, attempt, page), ChunkPlan.Page.class)
        .orElseThrow(() -> new BatchFailed(BatchFailure.INTERNAL_ERROR, "no chunk plan page " + page + " for this attempt"));
  }

  private ChunkWork readChunk(ScanResult scan, ChunkPlan plan, PrioConfig prio) throws BatchFailed {
    Map<String, InputLine> lines = readLines(reader, scan, plan);
    return new ChunkWork(plan.chunk(), settings.server(prio), List.copyOf(lines.keySet()), lines);
  }

  /** The chunk's lines in input order, read by range and checked against the scan's digests. */
  static Map<String, InputLine> readLines(SubmissionReader reader, ScanResult scan, ChunkPlan plan) throws BatchFailed {
    Map<String, InputLine> lines = new LinkedHashMap<>();
    IdChecksum checksum = new IdChecksum();
    CRC32C digest = new CRC32C();
    for (ChunkPlan.Range r : plan.ranges()) {
      List<SubmissionReader.Located> read = io(() -> reader.readRange(scan.files().get(r.file()), r.offset(), r.length()));
      for (SubmissionReader.Located l : read) {
        String id = l.line().id();
        if (id == null || lines.put(id, l.line()) != null) {
          throw changed(plan);
        }
        checksum.add(id);
        ChunkPlan.addLine(digest, l.crc());
      }
    }
    if (lines.size() != plan.count() || !checksum.hex().equals(plan.idChecksum()) || digest.getValue() != plan.bytesDigest()) {
      throw changed(plan);
    }
    return lines;
  }

  private static BatchFailed changed(ChunkPlan plan) {
    return new BatchFailed(BatchFailure.INPUT_CHANGED,
        "server A's input changed since the scan: chunk " + plan.chunk() + " does not hold the lines the handshake agreed");
  }

  private static boolean failed(Future<?> f) {
    try {
      f.get();
      return false;
    } catch (InterruptedException | ExecutionException | java.util.concurrent.CancellationException e) {
      return true;
    }
  }

  private void awaitAll(List<Future<?>> running) throws BatchFailed {
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.forEach(r -> r.cancel(true));
        throw new BatchFailed(BatchFailure.INTERNAL_ERROR, "interrupted");
      } catch (ExecutionException e) {
        running.forEach(r -> r.cancel(true));
        if (e.getCause() instanceof BatchFailed bf) {
          throw bf;
        }
        if (e.getCause() instanceof RuntimeException re) {
          throw re; // storage errors and corrupt state are decided by the run loop
        }
        throw new BatchFailed(BatchFailure.INTERNAL_ERROR, e.getCause().getClass().getSimpleName());
      }
    }
  }

  /** One chunk, given its lines, through verify1 and verify2 with B; its result stored once. */
  private void runChunk(BatchKey key, int attempt, ChunkWork work) throws BatchFailed {
    RoundMessage peer1 = call(() -> peer.verify1(key, work.chunk(), new RoundMessage(attempt, work.verify1())));
    RoundMessage mine2 = new RoundMessage(attempt, protocol(() -> work.verify2(peer1.items())));
    RoundMessage peer2 = call(() -> peer.verify2(key, work.chunk(), mine2));
    ChunkResult result = protocol(() -> work.finish(peer2.items()));
    if (rounds.saveChunk(key, attempt, result)) {
      BatchState after = lifecycle.progress(key, attempt, x -> x.phase() == BatchPhase.VERIFY
          ? x.withChunkDone(result.funnel(), clock.instant()) : x);
      log.debug("batch {} chunk {} done ({}/{})", key, work.chunk(), after.chunksDone(), after.chunksTotal());
    }
  }
}
