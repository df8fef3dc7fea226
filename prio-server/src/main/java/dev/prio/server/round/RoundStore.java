package dev.prio.server.round;

import dev.prio.core.crypto.Sha256;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Per-server persistence of round artefacts: B's answers to A's round requests (so the same request
 * gets the same answer and a different one is a conflict), both servers' finished chunks, scan
 * plans, totals and pending publish records. All writes are create-if-absent: the first writer
 * wins, nobody overwrites. The store underneath seals these objects, so what is read here is what
 * was written here, or a {@code StateCorruptException}.
 */
public final class RoundStore {
  private final ObjectStore store;
  private final JsonMapper json;

  public RoundStore(ObjectStore store, JsonMapper json) {
    this.store = store;
    this.json = json;
  }

  /**
   * What B keeps per answered request: the request's digest and body, and either the answer it gave
   * or, for a handshake B refused, why ({@code configMismatch}).
   */
  public record StoredRound(
      String requestDigest, String request, String response, String configMismatch) {
    static StoredRound answered(String digest, String request, String response) {
      return new StoredRound(digest, request, response, null);
    }
  }

  public Optional<StoredRound> findRound(BatchKey key, int attempt, String round, int chunk) {
    return read(StorageLayout.storedRound(key, attempt, round, chunk), StoredRound.class);
  }

  /**
   * Stores the answer unless one is already there; true only for the call that stored it (the
   * others read the stored one).
   */
  public boolean createRound(
      BatchKey key, int attempt, String round, int chunk, StoredRound answer) {
    return create(StorageLayout.storedRound(key, attempt, round, chunk), answer);
  }

  /** Create-if-absent; true only for the call that stored it. */
  public boolean create(String path, Object value) {
    try {
      return store.createIfAbsent(path, json.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stores the answer unless one is already there; returns the stored one either way. */
  public StoredRound saveRound(
      BatchKey key, int attempt, String round, int chunk, StoredRound answer) {
    return save(StorageLayout.storedRound(key, attempt, round, chunk), answer, StoredRound.class);
  }

  public Optional<ChunkResult> findChunk(BatchKey key, int attempt, int chunk) {
    return read(StorageLayout.chunkResult(key, attempt, chunk), ChunkResult.class);
  }

  /**
   * Stores a finished chunk once; true only for the call that stored it (progress counts it once).
   */
  public boolean saveChunk(BatchKey key, int attempt, ChunkResult result) {
    try {
      return store.createIfAbsent(
          StorageLayout.chunkResult(key, attempt, result.chunk()), json.writeValueAsBytes(result));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public <T> Optional<T> find(String path, Class<T> type) {
    return read(path, type);
  }

  /** Create-if-absent, then whatever is stored. */
  public <T> T save(String path, T value, Class<T> type) {
    try {
      store.createIfAbsent(path, json.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return read(path, type)
        .orElseThrow(
            () ->
                new UncheckedIOException(new IOException(path + " vanished after it was written")));
  }

  /**
   * Create-if-absent of raw bytes (B's index buckets); a second writer's identical bytes are simply
   * not stored.
   */
  public void saveBytes(String path, byte[] data) {
    try {
      store.createIfAbsent(path, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Optional<byte[]> findBytes(String path) {
    try {
      return store.read(path).map(o -> o.data());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String digest(String body) {
    return HexFormat.of().formatHex(Sha256.digest(body.getBytes(StandardCharsets.UTF_8)));
  }

  private <T> Optional<T> read(String path, Class<T> type) {
    try {
      return store.read(path).map(o -> json.readValue(o.data(), type));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
