package dev.prio.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one storage interface, shaped by what GCS gives: streamed reads, listing by prefix (paged
 * underneath), and writes conditioned on the object's generation so that two writers can never both
 * win. Keys are '/'-separated paths relative to the store's root.
 */
public interface ObjectStore {
  /** Keys under a prefix, sorted, every page read. */
  List<String> list(String prefix) throws IOException;

  /** A stream over the object's bytes; empty if absent. */
  Optional<InputStream> open(String key) throws IOException;

  /**
   * A stream over {@code length} bytes of the object from byte {@code offset} (fewer if the object
   * ends first); empty if absent. What lets a server read one chunk's lines without reading the
   * rest of the file.
   */
  Optional<InputStream> open(String key, long offset, long length) throws IOException;

  /**
   * The object's length in bytes; empty if absent. What a columnar reader needs to find a file's
   * footer before it reads any range.
   */
  OptionalLong size(String key) throws IOException;

  /** Whole object and its generation; for small objects (state, stored responses). */
  Optional<StoredObject> read(String key) throws IOException;

  /** Writes only if no object exists at key; false if one does. */
  boolean createIfAbsent(String key, byte[] data) throws IOException;

  /**
   * Replaces the object only if its generation is still {@code expectedGeneration}; false
   * otherwise.
   */
  boolean compareAndSet(String key, long expectedGeneration, byte[] data) throws IOException;

  /**
   * Removes the object if it is there. Only for objects nothing depends on any more: the engine's
   * state is never deleted (a stream window's marker is, once its batch has started).
   */
  void delete(String key) throws IOException;

  /** Where this store points, for logs and provenance (no credentials in it). */
  String describe();
}
