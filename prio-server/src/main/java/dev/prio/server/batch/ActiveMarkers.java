package dev.prio.server.batch;

import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StateCorruptException;
import dev.prio.server.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One small object per batch that is not settled ({@link BatchState#settled()}), so the sweep lists
 * those and not every state object a bucket has kept. A marker holds only when it was written: a
 * marker whose batch.json never appeared (a create that stopped between its two writes) is removed
 * once it is old enough that no create can still be under way.
 */
final class ActiveMarkers {
  /**
   * How old a marker without a batch.json must be before the sweep takes it for the leftover of a
   * create that stopped between its two writes, rather than a create still under way.
   */
  static final Duration ORPHAN_AGE = Duration.ofMinutes(10);

  private final ObjectStore store;
  private final Clock clock;

  ActiveMarkers(ObjectStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Writes the marker unless one is there (one compare-and-set: an existing marker, readable or
   * not, keeps the time it was written).
   */
  void mark(BatchKey key) {
    try {
      store.createIfAbsent(
          StorageLayout.activeMarker(key),
          clock.instant().toString().getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the marker was written longer than {@link #ORPHAN_AGE} ago. */
  boolean leftOver(BatchKey key) {
    return writtenAt(key).map(at -> at.plus(ORPHAN_AGE).isBefore(clock.instant())).orElse(false);
  }

  void remove(BatchKey key) {
    try {
      store.delete(StorageLayout.activeMarker(key));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The batches that have a marker; an object under the prefix that names none is ignored. */
  List<BatchKey> list() {
    List<BatchKey> out = new ArrayList<>();
    try {
      for (String k : store.list(StorageLayout.activeMarkers())) {
        StorageLayout.activeBatch(k).ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * When the marker was written; the epoch for one that is unreadable (nothing trusts its content,
   * so it is as old as can be), empty if it is gone.
   */
  private Optional<Instant> writtenAt(BatchKey key) {
    try {
      return store
          .read(StorageLayout.activeMarker(key))
          .map(o -> parseInstant(new String(o.data(), StandardCharsets.US_ASCII)));
    } catch (StateCorruptException e) {
      return Optional.of(Instant.EPOCH);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Instant parseInstant(String text) {
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeException e) {
      return Instant.EPOCH;
    }
  }
}
