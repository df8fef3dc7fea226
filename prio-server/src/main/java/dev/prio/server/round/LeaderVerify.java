package dev.prio.server.round;

import static dev.prio.server.round.BatchSteps.call;
import static dev.prio.server.round.BatchSteps.io;
import static dev.prio.server.round.BatchSteps.protocol;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A's VERIFY phase: one pass over A's input cuts the chunks the scan planned, and every chunk not
 * yet finished that this replica can claim ({@link ChunkClaims}) goes through verify1 and verify2
 * with B, up to the configured number at a time. Chunks other replicas hold are left to them.
 * The pass also re-counts the input: if it is not what the scan (and so the handshake) saw, the
 * attempt fails as INPUT_CHANGED before anything is summed.
 */
final class LeaderVerify {
  private static final Logger log = LoggerFactory.getLogger(LeaderVerify.class);

  private final ProtocolSettings settings;
  private final SubmissionReader reader;
  private final PeerClient peer;
  private final ExecutorService chunkPool;
  private final int parallelChunks;
  private final ChunkClaims claims;

  /** @param claims which chunks this replica may run, and the commit of each (the one seam with the leases) */
  LeaderVerify(ProtocolSettings settings, SubmissionReader reader, PeerClient peer, ExecutorService chunkPool, int parallelChunks,
      ChunkClaims claims) {
    this.claims = claims;
    this.settings = settings;
    this.reader = reader;
    this.peer = peer;
    this.chunkPool = chunkPool;
    this.parallelChunks = Math.max(1, parallelChunks);
  }

  /** One pass; returns whether every chunk has its result (some may still run on other replicas). */
  boolean verify(BatchKey key, BatchState s, ScanResult scan) throws BatchFailed {
    PrioConfig prio = PrioConfig.of(s.nData(), key.batchId());
    Semaphore slots = new Semaphore(parallelChunks);
    List<Future<ChunkResult>> running = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Map<String, InputLine> lines = new LinkedHashMap<>();
    int[] chunk = {0};
    AtomicBoolean failed = new AtomicBoolean();
    InputScan again = io(() -> InputScan.run(reader, StorageLayout.inputPrefix(key, ServerId.A), (position, line) -> {
      if (failed.get() || position >= scan.uniqueCount()) {
        return; // a chunk failed (the batch will fail), or the input grew: read on, counting only
      }
      ids.add(line.id());
      lines.put(line.id(), line);
      if (ids.size() == scan.chunkSize() || position == scan.uniqueCount() - 1) {
        int c = chunk[0]++;
        slots.acquireUninterruptibly(); // a free slot first: a claimed chunk should not wait behind this replica's others
        Optional<Lease> claim = claims.claim(key, s.attempt(), c);
        if (claim.isEmpty()) {
          slots.release();
        } else {
          ChunkWork work = new ChunkWork(c, settings.server(prio), List.copyOf(ids), new LinkedHashMap<>(lines));
          running.add(chunkPool.submit(() -> {
            try {
              return runChunk(key, s.attempt(), work, claim.get());
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
    awaitAll(running);
    if (again.uniqueCount() != scan.uniqueCount() || !again.idChecksum().equals(scan.idChecksum())) {
      throw new BatchFailed(BatchFailure.INPUT_CHANGED, "server A's input changed since the scan: "
          + again.uniqueCount() + " submissions now, " + scan.uniqueCount() + " agreed at the handshake");
    }
    return claims.missing(key, s.attempt(), scan.chunkCount()).isEmpty();
  }

  private void awaitAll(List<Future<ChunkResult>> running) throws BatchFailed {
    for (Future<ChunkResult> f : running) {
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

  private ChunkResult runChunk(BatchKey key, int attempt, ChunkWork work, Lease lease) throws BatchFailed {
    boolean done = false;
    try {
      ChunkResult result = roundsOf(key, attempt, work);
      if (claims.commit(key, attempt, lease, result)) {
        log.debug("batch {} chunk {} done", key, work.chunk());
      }
      done = true;
      return result;
    } finally {
      if (!done) {
        claims.abandon(lease);
      }
    }
  }

  private ChunkResult roundsOf(BatchKey key, int attempt, ChunkWork work) throws BatchFailed {
    RoundMessage peer1 = call(() -> peer.verify1(key, work.chunk(), new RoundMessage(attempt, work.verify1())));
    RoundMessage mine2 = new RoundMessage(attempt, protocol(() -> work.verify2(peer1.items())));
    RoundMessage peer2 = call(() -> peer.verify2(key, work.chunk(), mine2));
    return protocol(() -> work.finish(peer2.items()));
  }
}
