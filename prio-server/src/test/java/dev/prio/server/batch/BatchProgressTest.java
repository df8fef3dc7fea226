package dev.prio.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FileObjectStore;
import dev.prio.server.storage.ForwardingObjectStore;
import dev.prio.server.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finished chunks reach batch.json as one compare-and-set per flush, however many there were and
 * from however many threads; writes are counted at the store, never inferred from timing.
 */
class BatchProgressTest {
  private static final BatchKey KEY = new BatchKey(LocalDate.parse("2026-12-02"), "progress-0");
  private static final Duration NEVER = Duration.ofHours(1);
  private static final Map<String, Long> CHUNK = Map.of("valid", 2L, "proof_invalid", 1L);

  private CountingStore store;
  private BatchLifecycle lifecycle;

  @BeforeEach
  void inVerify(@TempDir Path dir) throws IOException {
    store = new CountingStore(new FileObjectStore(dir));
    lifecycle =
        new BatchLifecycle(
            ServerId.A,
            new BatchRepository(store, JsonMapper.builder().build(), Clock.systemUTC()),
            new NoMeters(),
            Clock.systemUTC());
    lifecycle.received(KEY, 16);
    lifecycle.advance(
        KEY,
        1,
        BatchPhase.HANDSHAKE,
        s -> s.withProgress(200, 0, Map.of("decrypt_failed", 3L), Instant.now()));
    lifecycle.advance(KEY, 1, BatchPhase.VERIFY);
  }

  @Test
  void twoHundredChunksFromEightThreadsAreOneWrite() throws Exception {
    BatchProgress progress = new BatchProgress(lifecycle, Clock.systemUTC(), NEVER);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String holder = t % 2 == 0 ? "a1" : "a2";
      done.add(
          threads.submit(
              () -> {
                for (int c = 0; c < 25; c++) {
                  progress.chunkDone(KEY, 1, CHUNK, holder);
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    threads.shutdown();
    int before = store.stateWrites.get();

    progress.flush(KEY, 1);
    progress.flush(KEY, 1);
    progress.flushAll();

    assertThat(store.stateWrites.get() - before).isEqualTo(1);
    BatchState s = lifecycle.find(KEY).orElseThrow();
    assertThat(s.chunksDone()).isEqualTo(200);
    assertThat(s.funnel())
        .isEqualTo(Map.of("valid", 400L, "proof_invalid", 200L, "decrypt_failed", 3L));
    assertThat(s.chunksDoneBy()).isEqualTo(Map.of("a1", 100L, "a2", 100L));
    progress.close();
  }

  @Test
  void countsOfAnotherAttemptOrAfterVerifyAreNeverWritten() {
    BatchProgress progress = new BatchProgress(lifecycle, Clock.systemUTC(), NEVER);
    progress.chunkDone(KEY, 2, CHUNK, "a1");
    progress.flushAll();
    lifecycle.advance(
        KEY,
        1,
        BatchPhase.TOTAL,
        s -> s.withProgress(200, 200, Map.of("valid", 1L), Instant.now()));
    progress.chunkDone(KEY, 1, CHUNK, "a1");
    int before = store.stateWrites.get();

    progress.close();

    assertThat(store.stateWrites.get()).isEqualTo(before);
    BatchState s = lifecycle.find(KEY).orElseThrow();
    assertThat(s.chunksDone()).isEqualTo(200);
    assertThat(s.funnel()).isEqualTo(Map.of("valid", 1L));
    assertThat(s.chunksDoneBy()).isEmpty();
  }

  @Test
  void theTimerWritesWithoutBeingAskedAndCloseWritesTheRest() throws Exception {
    BatchProgress progress = new BatchProgress(lifecycle, Clock.systemUTC(), Duration.ofMillis(20));
    for (int c = 0; c < 10; c++) {
      progress.chunkDone(KEY, 1, CHUNK, null);
    }
    Instant end = Instant.now().plusSeconds(30);
    while (lifecycle.find(KEY).orElseThrow().chunksDone() < 10 && Instant.now().isBefore(end)) {
      Thread.sleep(10);
    }
    assertThat(lifecycle.find(KEY).orElseThrow().chunksDone()).isEqualTo(10);

    progress.chunkDone(KEY, 1, CHUNK, null);
    progress.close();
    BatchState s = lifecycle.find(KEY).orElseThrow();
    assertThat(s.chunksDone()).isEqualTo(11);
    assertThat(s.funnel())
        .isEqualTo(Map.of("valid", 22L, "proof_invalid", 11L, "decrypt_failed", 3L));
    assertThat(s.chunksDoneBy()).as("B names no replica").isEmpty();
  }

  /** Counts the compare-and-set writes of batch.json. */
  private static final class CountingStore extends ForwardingObjectStore {
    final AtomicInteger stateWrites = new AtomicInteger();

    CountingStore(ObjectStore inner) {
      super(inner);
    }

    @Override
    public boolean compareAndSet(String key, long expectedGeneration, byte[] data)
        throws IOException {
      if (key.endsWith("/batch.json")) {
        stateWrites.incrementAndGet();
      }
      return inner.compareAndSet(key, expectedGeneration, data);
    }
  }

  private static final class NoMeters implements BatchMeters {
    @Override
    public void batchFinished(BatchPhase terminal, BatchFailure failure) {}

    @Override
    public void phaseTime(BatchPhase phase, Duration d) {}

    @Override
    public void phaseCensus(Map<BatchPhase, Long> counts, Map<BatchPhase, Duration> oldest) {}

    @Override
    public void chunksWaiting(long chunks) {}

    @Override
    public void lastSuccessAt(Instant when) {}
  }
}
