package dev.prio.server.round;

import static dev.prio.server.round.BatchSteps.call;
import static dev.prio.server.round.BatchSteps.io;
import static dev.prio.server.round.BatchSteps.protocol;

import dev.prio.core.packet.PrioConfig;
import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchState;
import dev.prio.server.lease.Lease;
import dev.prio.server.peer.PeerClient;
import dev.prio.server.peer.RoundMessage;
import dev.prio.server.round.BatchSteps.BatchFailed;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A's VERIFY phase, one pass: every chunk of the scan's plan not yet finished that this replica can
 * claim ({@link ChunkClaims}) reads its own byte ranges of A's input (and nothing else) and goes
 * through verify1 and verify2 with B, up to the configured number at a time; chunks other replicas
 * hold are left to them. A chunk whose bytes are not what the scan (and so the handshake) saw fails
 * the attempt as INPUT_CHANGED before anything is summed.
 */
final class LeaderVerify {
  private static final Logger log = LoggerFactory.getLogger(LeaderVerify.class);

  private final ProtocolSettings settings;
  private final RoundStore rounds;
  private final SubmissionReader reader;
  private final PeerClient peer;
  private final ExecutorService chunkPool;
  private final int parallelChunks;
  private final ChunkClaims claims;

  /**
   * @param claims which chunks this replica may run, and the commit of each (the one seam with the
   *     leases)
   */
  LeaderVerify(
      ProtocolSettings settings,
      RoundStore rounds,
      SubmissionReader reader,
      PeerClient peer,
      ExecutorService chunkPool,
      int parallelChunks,
      ChunkClaims claims) {
    this.settings = settings;
    this.rounds = rounds;
    this.reader = reader;
    this.peer = peer;
    this.chunkPool = chunkPool;
    this.parallelChunks = Math.max(1, parallelChunks);
    this.claims = claims;
  }

  /**
   * One pass; returns whether every chunk has its result (some may still run on other replicas).
   */
  boolean verify(BatchKey key, BatchState s, ScanResult scan) throws BatchFailed {
    PrioConfig prio = PrioConfig.of(s.nData(), key.batchId());
    Semaphore slots = new Semaphore(parallelChunks);
    List<Future<?>> running = new ArrayList<>();
    pages:
    for (int page = 0; page * scan.pageSize() < scan.chunkCount(); page++) {
      ChunkPlan.Page plan = planPage(key, s.attempt(), page);
      for (ChunkPlan chunk : plan.chunks()) {
        slots.acquireUninterruptibly(); // a free slot first: a claimed chunk should not wait behind
        // this replica's others
        // Finished chunks leave the list (their results are stored, not kept): it stays as short as
        // the chunks in flight, whatever the batch size. A failed one stays for awaitAll to report.
        running.removeIf(f -> f.isDone() && !failed(f));
        if (running.stream().anyMatch(f -> f.isDone() && failed(f))) {
          slots.release();
          break pages; // a chunk failed: the batch will fail, start no more
        }
        Optional<Lease> claim = claims.claim(key, s.attempt(), chunk.chunk());
        if (claim.isEmpty()) {
          slots.release(); // finished, or another replica holds it
          continue;
        }
        running.add(
            chunkPool.submit(
                () -> {
                  try {
                    runChunk(key, s.attempt(), claim.get(), () -> readChunk(scan, chunk, prio));
                    return null;
                  } finally {
                    slots.release();
                  }
                }));
      }
    }
    awaitAll(running);
    return claims.missing(key, s.attempt(), scan.chunkCount()).isEmpty();
  }

  private ChunkPlan.Page planPage(BatchKey key, int attempt, int page) throws BatchFailed {
    return rounds
        .find(StorageLayout.scanPlan(key, attempt, page), ChunkPlan.Page.class)
        .orElseThrow(
            () ->
                new BatchFailed(
                    BatchFailure.INTERNAL_ERROR,
                    "no chunk plan page " + page + " for this attempt"));
  }

  private ChunkWork readChunk(ScanResult scan, ChunkPlan plan, PrioConfig prio) throws BatchFailed {
    Map<String, InputLine> lines = readLines(reader, scan, plan);
    return new ChunkWork(plan.chunk(), settings.server(prio), List.copyOf(lines.keySet()), lines);
  }

  /** The chunk's lines in input order, read by range and checked against the scan's digests. */
  static Map<String, InputLine> readLines(SubmissionReader reader, ScanResult scan, ChunkPlan plan)
      throws BatchFailed {
    Map<String, InputLine> lines = new LinkedHashMap<>();
    IdChecksum checksum = new IdChecksum();
    CRC32C digest = new CRC32C();
    for (ChunkPlan.Range r : plan.ranges()) {
      List<SubmissionReader.Located> read =
          io(() -> reader.readLines(scan.files().get(r.file()), r.offset(), r.length(), r.lines()));
      for (SubmissionReader.Located l : read) {
        String id = l.line().id();
        if (id == null || lines.put(id, l.line()) != null) {
          throw changed(plan);
        }
        checksum.add(id);
        ChunkPlan.addLine(digest, l.crc());
      }
    }
    if (lines.size() != plan.count()
        || !checksum.hex().equals(plan.idChecksum())
        || digest.getValue() != plan.bytesDigest()) {
      throw changed(plan);
    }
    return lines;
  }

  private static BatchFailed changed(ChunkPlan plan) {
    return new BatchFailed(
        BatchFailure.INPUT_CHANGED,
        "server A's input changed since the scan: chunk "
            + plan.chunk()
            + " does not hold the lines the handshake agreed");
  }

  private static boolean failed(Future<?> f) {
    try {
      f.get();
      return false;
    } catch (InterruptedException
        | ExecutionException
        | java.util.concurrent.CancellationException e) {
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

  private interface ChunkSource {
    ChunkWork read() throws BatchFailed;
  }

  /**
   * One claimed chunk: its lines read, through verify1 and verify2 with B, and its result committed
   * under the lease (stored once, counted once). The lease is given up if anything fails.
   */
  private void runChunk(BatchKey key, int attempt, Lease lease, ChunkSource source)
      throws BatchFailed {
    boolean done = false;
    try {
      ChunkWork work = source.read();
      RoundMessage mine1 = new RoundMessage(attempt, work.verify1());
      RoundMessage peer1 = call(() -> peer.verify1(key, work.chunk(), mine1));
      RoundMessage mine2 = new RoundMessage(attempt, protocol(() -> work.verify2(peer1.items())));
      RoundMessage peer2 = call(() -> peer.verify2(key, work.chunk(), mine2));
      ChunkResult result = protocol(() -> work.finish(peer2.items()));
      if (claims.commit(key, attempt, lease, result)) {
        log.debug("batch {} chunk {} done", key, work.chunk());
      }
      done = true;
    } finally {
      if (!done) {
        claims.abandon(lease);
      }
    }
  }
}
