package dev.prio.server.batch;

import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.BatchWindow;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StateCorruptException;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Every batch that is not {@link BatchState#settled() settled} has a marker ({@link
 * ActiveMarkers}), so the sweep reads only those ({@link #active()}). The marker is written before
 * any write that unsettles a state and looked for again after it; the sweep removes the marker of a
 * settled batch and then reads the state again. Whichever of a writer and a sweep comes second sees
 * the other's work, so a state is never left unsettled without its marker by the two racing. A
 * process that stops in between leaves at worst a marker too many, which the sweep removes.
 *
 * <p>A state object that does not parse never stops the server: {@link #all()} and {@link
 * #active()} skip it (logged once by object key, never its content; {@link #unreadableStates()} is
 * the gauge) and {@link #find} of that batch throws {@link BatchStateCorruptException}.
 */
public final class BatchRepository {
  private static final Logger log = LoggerFactory.getLogger(BatchRepository.class);
  private static final int MAX_CAS_RETRIES = 50;

  private final ObjectStore store;
  private final JsonMapper json;
  private final ActiveMarkers markers;
  private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  public BatchRepository(ObjectStore store, JsonMapper json, Clock clock) {
    this.store = store;
    this.json = json;
    this.markers = new ActiveMarkers(store, clock);
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
    if (!state.settled()) {
      markers.mark(key);
    }
    try {
      store.createIfAbsent(StorageLayout.batchState(key), json.writeValueAsBytes(state));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BatchState stored = find(key).orElseThrow();
    if (!stored.settled()) {
      // A sweep may have removed the marker between the two writes.
      markers.mark(key);
    }
    return stored;
  }

  /**
   * Applies the change with compare-and-set; a phase change must be an edge of the state machine.
   */
  public BatchState update(BatchKey key, UnaryOperator<BatchState> change) {
    boolean marked = false;
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
      if (before.settled() && !after.settled() && !marked) {
        markers.mark(key);
        marked = true;
      }
      byte[] bytes = json.writeValueAsBytes(after);
      try {
        // A write whose response was lost is retried by the GCS client and then fails its own
        // precondition: if what is stored now is exactly what we wrote, the write succeeded.
        if (store.compareAndSet(StorageLayout.batchState(key), current.generation(), bytes)
            || readObject(key).map(o -> Arrays.equals(o.data(), bytes)).orElse(false)) {
          if (marked && !after.settled()) {
            // A sweep may have removed the marker between the two writes.
            markers.mark(key);
          }
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
    Set<String> skipped = new HashSet<>();
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
            skipped.add(k);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    unreadable.retainAll(skipped);
    unreadable.addAll(skipped);
    return out;
  }

  /**
   * The states of the batches that have a marker: every unsettled one, and settled ones whose
   * marker this removes. A marker with no batch.json is removed once older than {@link
   * ActiveMarkers#ORPHAN_AGE}. Unreadable states are skipped and counted, and keep their marker.
   */
  public List<BatchState> active() {
    List<BatchState> out = new ArrayList<>();
    for (BatchKey key : markers.list()) {
      String objectKey = StorageLayout.batchState(key);
      Optional<BatchState> s = read(objectKey);
      if (s == null) {
        unreadable.remove(objectKey);
        if (markers.leftOver(key)) {
          unmark(key);
        }
      } else if (s.isEmpty()) {
        unreadable.add(objectKey);
      } else {
        unreadable.remove(objectKey);
        out.add(s.get());
        if (s.get().settled()) {
          unmark(key);
        }
      }
    }
    return out;
  }

  /** Marks every unsettled state that has no marker (states written before markers existed). */
  public void markUnsettled(List<BatchState> states) {
    Set<BatchKey> marked = new HashSet<>(markers.list());
    for (BatchState s : states) {
      if (!s.settled() && !marked.contains(key(s))) {
        markers.mark(key(s));
      }
    }
  }

  /**
   * State objects known unreadable (the gauge): those the last {@link #all()} found, and since then
   * those {@link #active()} found or found repaired.
   */
  public long unreadableStates() {
    return unreadable.size();
  }

  /** Removes the marker, then puts it back if a change unsettled the batch meanwhile. */
  private void unmark(BatchKey key) {
    markers.remove(key);
    Optional<BatchState> now = read(StorageLayout.batchState(key));
    if (now != null && now.isPresent() && !now.get().settled()) {
      markers.mark(key);
    }
  }

  private Optional<BatchState> read(String objectKey) {
    try {
      return readAny(objectKey);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

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
