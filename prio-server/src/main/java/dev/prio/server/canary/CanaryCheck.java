package dev.prio.server.canary;

import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchState;
import dev.prio.server.publish.PublishRecord;
import dev.prio.server.publish.Publisher;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.StoredObject;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the latest published canary against its known answer. A canary is a batch whose id starts
 * with {@link #PREFIX} (reserved: no real batch id may use it); its submissions are synthetic, made
 * by {@code prio generate}, which also writes their true sums ({@code --truth}). The canary job
 * (deploy/canary/stage-canary.sh) stages both servers' shares and puts the truth beside A's input
 * as {@code prio/v1/submission_date=<D>/batch_id=<ID>/truth.json}; the batch is then processed like
 * any other. Only a server that holds the truth checks (A, where the job runs); an unreadable truth
 * is a mismatch. This check compares the published record with the truth: the counts, the total and
 * the rejected submissions. Gauges: {@code prio_canary_mismatch} (1 when the latest published
 * canary differs from its truth or has none, 0 when it matches) and {@code
 * prio_canary_last_published_timestamp_seconds} (when it was published; the alert PrioCanaryMissing
 * fires when that gets old).
 *
 * <p>The latest published canary is what this process has seen ({@link #observe}, subscribed to
 * {@link dev.prio.server.batch.PublishedStates}): the first sweep's reading of every state, the
 * batches later sweeps see settle (another replica's publishes), and this process's own. So a check
 * reads the truth and the record of a new canary only, never every state the bucket keeps.
 */
public final class CanaryCheck {
  /** Canary batch ids start with this; real ones never do. */
  public static final String PREFIX = "canary-";

  public static final String MISMATCH = "prio.canary.mismatch";
  public static final String LAST_PUBLISHED = "prio.canary.last.published.timestamp.seconds";

  private static final Logger log = LoggerFactory.getLogger(CanaryCheck.class);

  private static final Comparator<BatchState> LATEST =
      Comparator.comparing(BatchState::submissionDate).thenComparing(BatchState::updatedAt);

  private final Publisher publisher;
  private final ObjectStore store;
  private final JsonMapper json;
  private final AtomicLong mismatch = new AtomicLong();
  private final AtomicLong lastPublished = new AtomicLong();
  private final AtomicReference<BatchState> latest = new AtomicReference<>();
  private volatile String lastChecked = "";

  public CanaryCheck(
      Publisher publisher, ObjectStore store, JsonMapper json, MeterRegistry registry) {
    this.publisher = publisher;
    this.store = store;
    this.json = json;
    Gauge.builder(MISMATCH, mismatch, AtomicLong::get)
        .description("1 when the latest published canary differs from its known answer, else 0")
        .register(registry);
    Gauge.builder(LAST_PUBLISHED, lastPublished, AtomicLong::get)
        .description("when the latest canary was published (epoch seconds); 0: none yet")
        .register(registry);
  }

  public static boolean isCanary(String batchId) {
    return batchId.startsWith(PREFIX);
  }

  /**
   * A published state this process saw (only published ones reach subscribers of {@link
   * dev.prio.server.batch.PublishedStates}); keeps the latest canary (by date, then update).
   */
  public void observe(BatchState s) {
    if (isCanary(s.batchId())) {
      latest.accumulateAndGet(s, (a, b) -> a == null || LATEST.compare(b, a) > 0 ? b : a);
    }
  }

  /** Every minute; also callable directly (the pair tests do). */
  @Scheduled(initialDelay = 10_000, fixedDelay = 60_000)
  public void check() {
    BatchState s = latest.get();
    if (s == null) {
      return;
    }
    BatchKey key = BatchRepository.key(s);
    String id = key + "/" + s.publishedVersion();
    if (id.equals(lastChecked)) {
      return;
    }
    JsonNode truth = truth(key);
    if (truth == null) {
      // The truth is staged on the side that runs the canary job (A); the other side only processes
      // it.
      lastChecked = id;
      return;
    }
    List<String> differences = compare(key, s.publishedVersion(), truth);
    lastPublished.set(s.updatedAt().getEpochSecond());
    mismatch.set(differences.isEmpty() ? 0 : 1);
    lastChecked = id;
    if (differences.isEmpty()) {
      log.info("canary {} matches its known answer", key);
    } else {
      log.error("canary {} differs from its known answer: {}", key, String.join("; ", differences));
    }
  }

  /** What differs between the published record and the truth; empty when they agree. */
  private List<String> compare(BatchKey key, int version, JsonNode truth) {
    Optional<PublishRecord> record = publisher.find(key, Math.max(1, version));
    if (record.isEmpty()) {
      return List.of("no published record");
    }
    return differences(record.get(), truth);
  }

  /** Pure: the published record against {@code prio generate --truth}'s document. */
  static List<String> differences(PublishRecord record, JsonNode truth) {
    List<String> out = new ArrayList<>();
    JsonNode sums = truth.path("sums");
    if (!sums.isArray() || sums.size() != record.payload().size()) {
      out.add("published " + record.payload().size() + " counts, truth has " + sums.size());
      return out;
    }
    int differing = 0;
    for (int i = 0; i < sums.size(); i++) {
      if (sums.get(i).asLong() != record.payload().get(i)) {
        differing++;
      }
    }
    if (differing > 0) {
      out.add(differing + " of " + sums.size() + " counts differ");
    }
    long valid = truth.path("valid").asLong();
    long invalid = truth.path("invalid").asLong();
    if (record.total() != valid + invalid) {
      out.add("total " + record.total() + ", truth " + (valid + invalid));
    }
    if (record.error() != invalid) {
      out.add("rejected " + record.error() + ", truth " + invalid);
    }
    return out;
  }

  private JsonNode truth(BatchKey key) {
    String path = StorageLayout.inputDir(key) + "truth.json";
    try {
      Optional<StoredObject> o = store.read(path);
      if (o.isEmpty()) {
        return null;
      }
      JsonNode node = json.readTree(o.get().data());
      return node == null || !node.isObject() ? json.readTree("{}") : node;
    } catch (JacksonException e) {
      log.warn("canary {}: {} is not JSON", key, path);
      return json.readTree("{}");
    } catch (IOException | UncheckedIOException e) {
      log.warn("canary {}: cannot read {} ({})", key, path, e.getClass().getSimpleName());
      return null;
    }
  }
}
