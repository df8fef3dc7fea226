package dev.prio.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A store that passes every call on to another: tests that watch or disturb a few calls (count the
 * state writes, record the listings, fail one create) override only those.
 */
public class ForwardingObjectStore implements ObjectStore {
  public final ObjectStore inner;

  public ForwardingObjectStore(ObjectStore inner) {
    this.inner = inner;
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    return inner.list(prefix);
  }

  @Override
  public Optional<InputStream> open(String key) throws IOException {
    return inner.open(key);
  }

  @Override
  public Optional<InputStream> open(String key, long offset, long length) throws IOException {
    return inner.open(key, offset, length);
  }

  @Override
  public OptionalLong size(String key) throws IOException {
    return inner.size(key);
  }

  @Override
  public Optional<StoredObject> read(String key) throws IOException {
    return inner.read(key);
  }

  @Override
  public boolean createIfAbsent(String key, byte[] data) throws IOException {
    return inner.createIfAbsent(key, data);
  }

  @Override
  public boolean compareAndSet(String key, long expectedGeneration, byte[] data)
      throws IOException {
    return inner.compareAndSet(key, expectedGeneration, data);
  }

  @Override
  public void delete(String key) throws IOException {
    inner.delete(key);
  }

  @Override
  public String describe() {
    return inner.describe();
  }
}
