package dev.prio.server.batch;

import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.BatchWindow;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StateCorruptException;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Batch states as JSON objects in the server's own store. Every change is a compare-and-set on the
 * object's generation, retried on conflict, and each phase change is checked against {@link
 * BatchStateMachine}.
 *
 * <p>A state object that does not parse never stops the server: {@link #all()} skips it (logged
 * once by object key, never its content; {@link #unreadableStates()} is the gauge) and {@link
 * #find} of that batch throws {@link BatchStateCorruptException}.
 */
public final class BatchRepository {
  private static final Logger log = LoggerFactory.getLogger(BatchRepository.class);
  private static final int MAX_CAS_RETRIES = 50;
  private final ObjectStore store;
  private final JsonMapper json;
  private final AtomicLong unreadable = new AtomicLong();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  public BatchRepository(ObjectStore store, JsonMapper json) {
    this.store = store;
    this.json = json;
  }

  /** The batch's state, if stored; {@link BatchStateCorruptException} if stored but unreadable. */
  public Optional<BatchState> find(BatchKey key) {
    return readObject(key)
        .map(
            o ->
                parse(StorageLayout.batchState(key), o.data())
                    .orElseThrow(() -> new BatchStateCorruptException(key)));
  }

  /**
   * The most recent submission date (and within it the latest window) that has a state for this
   * batch id; only that window's states when {@code window} is not null.
   */
  public Optional<BatchState> findLatest(String batchId, String window) {
    return all().stream()
        .filter(s -> s.batchId().equals(batchId))
        .filter(s -> window == null || s.window().equals(window))
        .max(
            Comparator.comparing(BatchState::submissionDate)
                .thenComparing(s -> BatchWindow.start(s.submissionDate(), s.window())));
  }

  /** Creates the state if none exists; returns whichever state is stored afterwards. */
  public BatchState createIfAbsent(BatchState state) {
    BatchKey key = key(state);
    try {
      store.createIfAbsent(StorageLayout.batchState(key), json.writeValueAsBytes(state));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return find(key).orElseThrow();
  }

  /**
   * Applies the change with compare-and-set; a phase change must be an edge of the state machine.
   */
  public BatchState update(BatchKey key, UnaryOperator<BatchState> change) {
    for (int i = 0; i < MAX_CAS_RETRIES; i++) {
      StoredObject current =
          readObject(key).orElseThrow(() -> new IllegalStateException("no state for " + key));
      BatchState before =
          parse(StorageLayout.batchState(key), current.data())
              .orElseThrow(() -> new BatchStateCorruptException(key));
      BatchState after = change.apply(before);
      if (after == before) {
        return before;
      }
      if (after.attempt() == before.attempt() && after.phase() != before.phase()) {
        BatchStateMachine.require(before.role(), before.phase(), after.phase());
      }
      byte[] bytes = json.writeValueAsBytes(after);
      try {
        if (store.compareAndSet(StorageLayout.batchState(key), current.generation(), bytes)) {
          return after;
        }
        // A write whose response was lost is retried by the GCS client and then fails its own
        // precondition: if what is stored now is exactly what we wrote, the write succeeded.
        if (readObject(key).map(o -> Arrays.equals(o.data(), bytes)).orElse(false)) {
          return after;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("state of " + key + " kept changing under compare-and-set");
  }

  /** Overwrites whatever is stored (B starting A's next attempt); still a compare-and-set. */
  public BatchState replace(BatchKey key, BatchState next) {
    if (find(key).isEmpty()) {
      return createIfAbsent(next);
    }
    return update(key, before -> next);
  }

  /**
   * Every readable batch state; unreadable ones are skipped and counted (see the class comment).
   */
  public List<BatchState> all() {
    List<BatchState> out = new ArrayList<>();
    long skipped = 0;
    try {
      for (String k : store.list(StorageLayout.allStates())) {
        if (k.endsWith("/batch.json")) {
          Optional<BatchState> s = readAny(k);
          if (s == null) {
            continue;
          }
          if (s.isPresent()) {
            out.add(s.get());
          } else {
            skipped++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    unreadable.set(skipped);
    return out;
  }

  /** How many state objects the last {@link #all()} found unreadable (the gauge). */
  public long unreadableStates() {
    return unreadable.get();
  }

  /** The state, or empty (and one WARN per object key) when the bytes are not a valid state. */
  /** One listed state object: null if it vanished, empty if it cannot be read or trusted. */
  private Optional<BatchState> readAny(String objectKey) throws IOException {
    Optional<StoredObject> o;
    try {
      o = store.read(objectKey);
    } catch (StateCorruptException e) {
      return parse(objectKey, new byte[0]);
    }
    return o.map(stored -> parse(objectKey, stored.data())).orElse(null);
  }

  private Optional<BatchState> parse(String objectKey, byte[] data) {
    try {
      BatchState s = json.readValue(data, BatchState.class);
      if (s != null
          && s.batchId() != null
          && s.submissionDate() != null
          && s.phase() != null
          && s.role() != null
          && s.updatedAt() != null) {
        warned.remove(objectKey);
        return Optional.of(s);
      }
    } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
      // fall through: the content is never logged, it may be anything
    }
    if (warned.add(objectKey)) {
      log.warn("batch state object {} is unreadable; skipped until repaired or removed", objectKey);
    }
    return Optional.empty();
  }

  /**
   * The stored object; one whose integrity seal fails is as unreadable as one that does not parse.
   */
  private Optional<StoredObject> readObject(BatchKey key) {
    try {
      return store.read(StorageLayout.batchState(key));
    } catch (StateCorruptException e) {
      throw new BatchStateCorruptException(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static BatchKey key(BatchState s) {
    return new BatchKey(s.submissionDate(), s.batchId(), s.window());
  }
}
