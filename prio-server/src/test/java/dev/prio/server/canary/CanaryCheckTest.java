package dev.prio.server.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchService;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.publish.Publisher;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.ForwardingObjectStore;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.ObjectStores;
import dev.prio.server.storage.StorageLayout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The canary check learns of published canaries from what its process writes and sweeps, not by
 * listing every state: after the first sweep, the checks and the sweeps list only the markers,
 * while a canary another replica published, and then one this process published, are still compared
 * with the true sums of their synthetic submissions. Real repository, lifecycle, sweep and
 * publisher on local stores; listings are recorded at the store.
 */
class CanaryCheckTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int N_DATA = 8;

  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private RecordingStore store;
  private Publisher publisher;

  @BeforeEach
  void open() throws IOException {
    store = new RecordingStore(ObjectStores.open("file:" + dir.resolve("private")));
    publisher =
        new Publisher(
            ObjectStores.open("file:" + dir.resolve("published")), JSON, "test", Map.of());
  }

  /** One process of server A on the store: its own repository, lifecycle, sweep and check. */
  private record Process(
      BatchLifecycle lifecycle, BatchService service, CanaryCheck check, MeterRegistry registry) {
    double gauge(String name) {
      return registry.get(name).gauge().value();
    }
  }

  private Process process() {
    MeterRegistry registry = new SimpleMeterRegistry();
    PrioMetrics metrics = new PrioMetrics(registry);
    BatchRepository repository = new BatchRepository(store, JSON, clock);
    BatchLifecycle lifecycle = new BatchLifecycle(ServerId.A, repository, metrics, clock);
    BatchService service =
        new BatchService(
            ServerId.A,
            repository,
            lifecycle,
            id -> Optional.of(N_DATA),
            null,
            null,
            metrics,
            clock);
    CanaryCheck check = new CanaryCheck(publisher, store, JSON, registry);
    lifecycle.published().subscribe(check::observe);
    return new Process(lifecycle, service, check, registry);
  }

  /** Synthetic submissions (one 0/1 per count) and one invalid, as prio generate makes a canary. */
  private record Canary(List<long[]> valid, int invalid) {
    static Canary generate(long seed) {
      Random r = new Random(seed);
      List<long[]> valid = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long[] bits = new long[N_DATA];
        for (int j = 0; j < N_DATA; j++) {
          bits[j] = r.nextBoolean() ? 1 : 0;
        }
        valid.add(bits);
      }
      return new Canary(valid, 1);
    }

    /** The sums of the valid submissions after the first {@code lost}. */
    List<Long> sums(int lost) {
      long[] out = new long[N_DATA];
      for (long[] bits : valid.subList(lost, valid.size())) {
        for (int j = 0; j < N_DATA; j++) {
          out[j] += bits[j];
        }
      }
      return Arrays.stream(out).boxed().toList();
    }
  }

  /** The truth beside A's input, the document prio generate --truth writes. */
  private void stageTruth(BatchKey key, Canary c) throws IOException {
    String truth =
        "{\"batch_id\": \""
            + key.batchId()
            + "\", \"n_data\": 8, \"valid\": "
            + c.valid().size()
            + ", \"invalid\": "
            + c.invalid()
            + ", \"sums\": ["
            + c.sums(0).stream().map(String::valueOf).collect(Collectors.joining(", "))
            + "]}\n";
    store.createIfAbsent(
        StorageLayout.inputDir(key) + "truth.json", truth.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The batch through to PUBLISHED on {@code lifecycle}'s process, publishing the sums of its valid
   * submissions after the first {@code lost} (what a lossy copy of the staging leaves).
   */
  private void publish(BatchLifecycle lifecycle, BatchKey key, Canary c, int lost) {
    lifecycle.received(key, N_DATA);
    lifecycle.advance(key, 1, BatchPhase.HANDSHAKE);
    lifecycle.advance(key, 1, BatchPhase.VERIFY);
    lifecycle.advance(key, 1, BatchPhase.TOTAL);
    lifecycle.advance(key, 1, BatchPhase.PUBLISHING);
    lifecycle.commit(key, 1);
    int valid = c.valid().size() - lost;
    Instant now = clock.instant();
    publisher.write(
        key,
        lifecycle.find(key).orElseThrow(),
        1,
        Publisher.newRecord(c.sums(lost), c.invalid(), valid + c.invalid(), now),
        Map.of(),
        now);
    lifecycle.published(key, 1, 1, Map.of());
  }

  @Test
  void afterTheFirstSweepOnlyMarkersAreListedAndNewCanariesAreStillChecked() throws IOException {
    BatchKey day1 = new BatchKey(LocalDate.parse("2026-11-22"), "canary-0");
    BatchKey day2 = new BatchKey(LocalDate.parse("2026-11-23"), "canary-0");
    BatchKey day3 = new BatchKey(LocalDate.parse("2026-11-24"), "canary-0");

    // Published and settled by an earlier process: only a full listing finds it.
    Process earlier = process();
    stageTruth(day1, Canary.generate(1));
    publish(earlier.lifecycle(), day1, Canary.generate(1), 0);
    earlier.service().sweep();
    earlier.service().sweep();
    assertThat(store.inner.read(StorageLayout.activeMarker(day1))).as("settled").isEmpty();

    Process p = process();
    p.service().sweep();
    p.check().check();
    assertThat(p.gauge(CanaryCheck.MISMATCH)).isEqualTo(0.0);
    assertThat((long) p.gauge(CanaryCheck.LAST_PUBLISHED)).isEqualTo(publishedAt(day1));
    store.listings.clear();

    // Another replica publishes the next day's canary with one valid submission lost: this process
    // sees it settle in a sweep and finds the mismatch.
    Process replica = process();
    stageTruth(day2, Canary.generate(2));
    publish(replica.lifecycle(), day2, Canary.generate(2), 1);
    p.service().sweep();
    p.check().check();
    assertThat(p.gauge(CanaryCheck.MISMATCH)).isEqualTo(1.0);
    assertThat((long) p.gauge(CanaryCheck.LAST_PUBLISHED)).isEqualTo(publishedAt(day2));

    // This process publishes the third, correct one; no sweep needed to check it.
    stageTruth(day3, Canary.generate(3));
    publish(p.lifecycle(), day3, Canary.generate(3), 0);
    p.check().check();
    assertThat(p.gauge(CanaryCheck.MISMATCH)).isEqualTo(0.0);
    assertThat((long) p.gauge(CanaryCheck.LAST_PUBLISHED)).isEqualTo(publishedAt(day3));
    p.service().sweep();
    p.check().check();

    assertThat(store.listings).isNotEmpty().allMatch(l -> l.equals(StorageLayout.activeMarkers()));
  }

  private long publishedAt(BatchKey key) {
    return new BatchRepository(store.inner, JSON, clock)
        .find(key)
        .orElseThrow()
        .updatedAt()
        .getEpochSecond();
  }

  /** Records every listing; passes everything on. */
  private static final class RecordingStore extends ForwardingObjectStore {
    final ConcurrentLinkedQueue<String> listings = new ConcurrentLinkedQueue<>();

    RecordingStore(ObjectStore inner) {
      super(inner);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
      listings.add(prefix);
      return inner.list(prefix);
    }
  }
}
