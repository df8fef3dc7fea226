package dev.prio.server.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.ForwardingObjectStore;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.ObjectStores;
import dev.prio.server.storage.SealedObjectStore;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.StoredObject;
import dev.prio.server.testing.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sweep reads only batches that are not settled, through their markers, on local files and on
 * fake-gcs-server alike, with states sealed as the server seals them. What the sweep reads and
 * lists is recorded at the store; markers are looked for as objects, never asked of the code.
 */
class BatchSweepTest {
  private static final LocalDate DATE = LocalDate.parse("2026-12-03");
  private static final BatchKey KEY = new BatchKey(DATE, "sweep-0");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final ConcurrentLinkedQueue<BatchKey> runs = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<BatchState> notices = new ConcurrentLinkedQueue<>();
  private final Meters meters = new Meters();
  private ObjectStore raw;
  private RecordingStore store;
  private BatchRepository repository;
  private BatchLifecycle lifecycle;

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A fresh process of server A on the store: its own repository, lifecycle and service. */
  private BatchService process() {
    repository = new BatchRepository(store, JSON, clock);
    lifecycle = new BatchLifecycle(ServerId.A, repository, meters, clock);
    lifecycle.noticeWith(notices::add);
    return new BatchService(
        ServerId.A, repository, lifecycle, id -> Optional.of(16), runs::add, pool, meters, clock);
  }

  private void open(String kind) throws IOException {
    raw =
        kind.equals("file")
            ? ObjectStores.open("file:" + dir)
            : ObjectStores.open(
                "gs://" + FakeGcs.get().newBucket("sweep") + "/x/", FakeGcs.get().host());
    byte[] mac = new byte[32];
    Arrays.fill(mac, (byte) 7);
    store = new RecordingStore(new SealedObjectStore(raw, mac, StorageLayout::isState));
  }

  private boolean marked(BatchKey key) throws IOException {
    return raw.read(StorageLayout.activeMarker(key)).isPresent();
  }

  /** RECEIVED to VERIFY: B has taken part from the handshake on. */
  private void toVerify(BatchKey key) {
    lifecycle.received(key, 16);
    lifecycle.advance(key, 1, BatchPhase.HANDSHAKE);
    lifecycle.advance(key, 1, BatchPhase.VERIFY);
  }

  private void publish(BatchKey key) {
    toVerify(key);
    lifecycle.advance(key, 1, BatchPhase.TOTAL);
    lifecycle.advance(key, 1, BatchPhase.PUBLISHING);
    lifecycle.commit(key, 1);
    lifecycle.published(key, 1, 1, Map.of("valid", 16L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "gcs"})
  void aMarkerLivesFromCreateUntilSettledAndAsLongAsBMustStillBeTold(String kind)
      throws IOException {
    open(kind);
    BatchService service = process();
    service.sweep();

    lifecycle.received(KEY, 16);
    assertThat(marked(KEY)).as("written with the state").isTrue();
    lifecycle.advance(KEY, 1, BatchPhase.HANDSHAKE);
    lifecycle.fail(KEY, 1, BatchFailure.PEER_UNAVAILABLE, "test");
    assertThat(notices).hasSize(1);

    service.sweep();
    assertThat(marked(KEY)).as("FAILED, but B has not acknowledged").isTrue();
    assertThat(notices).as("the sweep tells B again").hasSize(2);

    lifecycle.peerSaid(KEY, 1, BatchPhase.FAILED, null);
    service.sweep();
    assertThat(marked(KEY)).as("B was told: settled").isFalse();
    service.sweep();
    assertThat(notices).hasSize(2);

    BatchKey published = new BatchKey(DATE, "sweep-1");
    publish(published);
    assertThat(marked(published)).isTrue();
    service.sweep();
    assertThat(marked(published)).isFalse();
    assertThat(meters.lastSuccess).isEqualTo(repository.find(published).orElseThrow().updatedAt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "gcs"})
  void aRerunBringsTheMarkerBackAndTheSweepResumesIt(String kind) throws IOException {
    open(kind);
    BatchService service = process();
    service.sweep();
    lifecycle.received(KEY, 16);
    lifecycle.fail(KEY, 1, BatchFailure.PEER_UNAVAILABLE, "before the handshake");
    service.sweep();
    assertThat(marked(KEY)).as("B never took part: settled at once").isFalse();

    service.rerun(KEY, false);
    assertThat(marked(KEY)).isTrue();
    assertThat(repository.find(KEY).orElseThrow().attempt()).isEqualTo(2);
    awaitIdle(service);
    runs.clear();

    service.sweep();
    awaitIdle(service);
    assertThat(runs).as("a run that stopped is resumed from its marker").containsExactly(KEY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "gcs"})
  void aRerunBetweenTheSweepsReadAndItsRemovalKeepsItsMarker(String kind) throws IOException {
    open(kind);
    BatchService service = process();
    service.sweep();
    lifecycle.received(KEY, 16);
    lifecycle.fail(KEY, 1, BatchFailure.PEER_UNAVAILABLE, "before the handshake");
    // The operator's rerun lands after the sweep read the FAILED state and before it removes the
    // marker: the sweep's removal must not leave the new attempt unmarked.
    store.beforeDelete = k -> lifecycle.rerun(KEY, false);

    service.sweep();

    store.beforeDelete = k -> {};
    assertThat(repository.find(KEY).orElseThrow().phase()).isEqualTo(BatchPhase.RECEIVED);
    assertThat(marked(KEY)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "gcs"})
  void aCreateThatStoppedAfterItsMarkerIsCleanedUpOnceOld(String kind) throws IOException {
    open(kind);
    BatchService service = process();
    service.sweep();
    store.failStateCreate = true;
    assertThatThrownBy(() -> lifecycle.received(KEY, 16)).isInstanceOf(UncheckedIOException.class);
    store.failStateCreate = false;
    assertThat(marked(KEY)).isTrue();
    assertThat(raw.read(StorageLayout.batchState(KEY))).isEmpty();

    service.sweep();
    assertThat(marked(KEY)).as("young: a create may still be under way").isTrue();
    clock.advance(ActiveMarkers.ORPHAN_AGE.plusSeconds(1));
    service.sweep();
    assertThat(marked(KEY)).isFalse();
    assertThat(runs).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "gcs"})
  void aStateLeftUnmarkedByAnEarlierVersionIsResumedAndMarkedAtStartUp(String kind)
      throws IOException {
    open(kind);
    process();
    toVerify(KEY);
    raw.delete(StorageLayout.activeMarker(KEY)); // as a version before markers left it

    BatchService restarted = process();
    restarted.sweep();
    awaitIdle(restarted);
    assertThat(runs).containsExactly(KEY);
    assertThat(marked(KEY)).isTrue();
    runs.clear();
    restarted.sweep();
    awaitIdle(restarted);
    assertThat(runs).as("and from its marker on later sweeps").containsExactly(KEY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "gcs"})
  void laterSweepsReadNoSettledStateAndTheFirstFindsTheLastSuccess(String kind) throws IOException {
    open(kind);
    process();
    Instant latest = null;
    for (int i = 0; i < 5; i++) {
      BatchKey done = new BatchKey(DATE, "done-" + i);
      publish(done);
      latest = repository.find(done).orElseThrow().updatedAt();
      clock.advance(Duration.ofSeconds(60));
    }
    toVerify(KEY);

    BatchService restarted = process();
    meters.lastSuccess = null;
    restarted.sweep();
    assertThat(meters.lastSuccess).as("from the start-up listing").isEqualTo(latest);
    restarted.sweep(); // removes the published batches' markers
    awaitIdle(restarted);
    store.reads.clear();
    store.listings.clear();

    restarted.sweep();

    assertThat(store.listings).containsExactly(StorageLayout.activeMarkers());
    assertThat(store.reads).containsExactly(StorageLayout.batchState(KEY));
    assertThat(meters.census).isEqualTo(Map.of(BatchPhase.VERIFY, 1L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "gcs"})
  void anUnreadableMarkedStateIsCountedAndKeepsItsMarker(String kind) throws IOException {
    open(kind);
    BatchService service = process();
    service.sweep();
    toVerify(KEY);
    StoredObject good = raw.read(StorageLayout.batchState(KEY)).orElseThrow();
    raw.compareAndSet(
        StorageLayout.batchState(KEY),
        good.generation(),
        "not a sealed state".getBytes(StandardCharsets.UTF_8));

    service.sweep();
    assertThat(repository.unreadableStates()).isEqualTo(1);
    assertThat(marked(KEY)).isTrue();

    raw.delete(StorageLayout.batchState(KEY)); // the operator removes it
    service.sweep();
    assertThat(repository.unreadableStates()).isZero();
  }

  /** The launch is recorded at once, the run (the driver) on the pool: wait for it to end. */
  private void awaitIdle(BatchService service) {
    Instant end = Instant.now().plusSeconds(30);
    while (service.isRunning(KEY) && Instant.now().isBefore(end)) {
      Thread.onSpinWait();
    }
  }

  /** Records state reads and listings; can fail a batch.json create or act before a delete. */
  private static final class RecordingStore extends ForwardingObjectStore {
    final ConcurrentLinkedQueue<String> reads = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> listings = new ConcurrentLinkedQueue<>();
    volatile boolean failStateCreate;
    volatile Consumer<String> beforeDelete = k -> {};

    RecordingStore(ObjectStore inner) {
      super(inner);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
      listings.add(prefix);
      return inner.list(prefix);
    }

    @Override
    public Optional<StoredObject> read(String key) throws IOException {
      if (key.endsWith("/batch.json")) {
        reads.add(key);
      }
      return inner.read(key);
    }

    @Override
    public boolean createIfAbsent(String key, byte[] data) throws IOException {
      if (failStateCreate && key.endsWith("/batch.json")) {
        throw new IOException("the process stopped here");
      }
      return inner.createIfAbsent(key, data);
    }

    @Override
    public void delete(String key) throws IOException {
      beforeDelete.accept(key);
      inner.delete(key);
    }
  }

  private static final class Meters implements BatchMeters {
    volatile Instant lastSuccess;
    volatile Map<BatchPhase, Long> census = Map.of();

    @Override
    public void batchFinished(BatchPhase terminal, BatchFailure failure) {}

    @Override
    public void phaseTime(BatchPhase phase, Duration d) {}

    @Override
    public void phaseCensus(Map<BatchPhase, Long> counts, Map<BatchPhase, Duration> oldest) {
      census = Map.copyOf(counts);
    }

    @Override
    public void chunksWaiting(long chunks) {}

    @Override
    public void lastSuccessAt(Instant when) {
      if (lastSuccess == null || when.isAfter(lastSuccess)) {
        lastSuccess = when;
      }
    }
  }
}
