package dev.prio.server.storage;

import com.google.api.gax.paging.Page;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * {@code gs://bucket/prefix}: a server's own bucket through the real google-cloud-storage client
 * (JSON API over HTTP). Keys are object names below the prefix. Conditional writes carry GCS
 * generation preconditions, so GCS itself decides which of two writers wins: {@link
 * #createIfAbsent} sends {@code ifGenerationMatch=0} and {@link #compareAndSet} sends {@code
 * ifGenerationMatch=<expected>}; a 412 from either is the answer {@code false}, never an exception.
 * Every other failure (after the client's own retries) is an {@link IOException}.
 *
 * <p>A conditional write whose response was lost is retried by the client with the same
 * precondition; the retry then gets 412 and the call returns {@code false} although the bytes
 * stored are ours. A caller that gets {@code false} must therefore re-read the object and accept
 * finding its own bytes there (the same holds for any writer on real GCS).
 *
 * <p>Credentials: Application Default Credentials (Workload Identity on GKE), unless an emulator
 * host is given, in which case the client talks plain HTTP to it with {@link NoCredentials}.
 */
public final class GcsObjectStore implements ObjectStore {
  /**
   * GCS bucket names: 3-222 characters of lower-case letters, digits, dots, dashes, underscores.
   */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");

  static final int DEFAULT_PAGE_SIZE = 1000;

  /** Bytes fetched per request when streaming; bounds the memory one open stream holds. */
  static final int READ_CHUNK = 2 << 20;

  private static final int READ_ATTEMPTS = 5;

  private final Storage storage;
  private final String bucket;
  private final String prefix;
  private final int pageSize;
  private final AtomicLong pagesRead = new AtomicLong();

  /**
   * @param prefix object-name prefix every key is put under: empty, or ending in '/'
   */
  public GcsObjectStore(Storage storage, String bucket, String prefix, int pageSize) {
    if (!BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException("not a GCS bucket name: " + bucket);
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must be empty or end in '/'");
    }
    if (pageSize < 1) {
      throw new IllegalArgumentException("page size must be positive");
    }
    this.storage = storage;
    this.bucket = bucket;
    this.prefix = prefix;
    this.pageSize = pageSize;
  }

  /**
   * Opens {@code gs://bucket[/prefix]}. With {@code emulatorHost} (e.g. {@code
   * http://127.0.0.1:4443}; a bare {@code host:port} means http) the client goes there without
   * credentials; with null or blank, to GCS with Application Default Credentials.
   */
  public static GcsObjectStore open(String uri, String emulatorHost) {
    GcsRoot root = GcsRoot.parse(uri);
    return new GcsObjectStore(
        client(emulatorHost), root.bucket(), root.prefix(), DEFAULT_PAGE_SIZE);
  }

  /** The client: the emulator at {@code emulatorHost} without credentials, or GCS with ADC. */
  public static Storage client(String emulatorHost) {
    if (emulatorHost == null || emulatorHost.isBlank()) {
      return StorageOptions.newBuilder().build().getService();
    }
    String host = emulatorHost.strip();
    if (!host.startsWith("http://") && !host.startsWith("https://")) {
      host = "http://" + host;
    }
    while (host.endsWith("/")) {
      host = host.substring(0, host.length() - 1);
    }
    return StorageOptions.newBuilder()
        .setHost(host)
        .setProjectId("test")
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
  }

  @Override
  public List<String> list(String keyPrefix) throws IOException {
    List<String> keys = new ArrayList<>();
    try {
      Page<Blob> page =
          storage.list(
              bucket,
              Storage.BlobListOption.prefix(prefix + keyPrefix),
              Storage.BlobListOption.pageSize(pageSize),
              Storage.BlobListOption.fields(Storage.BlobField.NAME));
      while (page != null) {
        pagesRead.incrementAndGet();
        for (Blob blob : page.getValues()) {
          String name = blob.getName();
          // Skip the zero-byte "folder" placeholders the console and some tools create.
          if (name.startsWith(prefix) && !name.endsWith("/")) {
            keys.add(name.substring(prefix.length()));
          }
        }
        page = page.hasNextPage() ? page.getNextPage() : null;
      }
    } catch (StorageException e) {
      throw failure("list", keyPrefix, e);
    }
    keys.sort(null);
    return keys;
  }

  @Override
  public Optional<InputStream> open(String key) throws IOException {
    BlobId id = blobId(key);
    try {
      Blob blob = storage.get(id, Storage.BlobGetOption.fields(Storage.BlobField.GENERATION));
      if (blob == null) {
        return Optional.empty();
      }
      ReadChannel channel = storage.reader(id);
      channel.setChunkSize(READ_CHUNK);
      return Optional.of(Channels.newInputStream(channel));
    } catch (StorageException e) {
      throw failure("open", key, e);
    }
  }

  /** The client's ReadChannel, seeked to {@code offset} and limited to {@code offset + length}. */
  @Override
  public Optional<InputStream> open(String key, long offset, long length) throws IOException {
    FileObjectStore.checkRange(offset, length);
    BlobId id = blobId(key);
    try {
      Blob blob =
          storage.get(
              id,
              Storage.BlobGetOption.fields(Storage.BlobField.GENERATION, Storage.BlobField.SIZE));
      if (blob == null) {
        return Optional.empty();
      }
      long size = blob.getSize() == null ? Long.MAX_VALUE : blob.getSize();
      if (length == 0 || offset >= size) {
        return Optional.of(InputStream.nullInputStream());
      }
      // Pin the generation just seen: a replaced object must not mix old and new bytes.
      ReadChannel channel = storage.reader(BlobId.of(bucket, id.getName(), blob.getGeneration()));
      channel.seek(offset);
      channel.limit(Math.min(size, offset + length));
      channel.setChunkSize((int) Math.min(READ_CHUNK, Math.max(length, 1 << 14)));
      return Optional.of(new BoundedInputStream(Channels.newInputStream(channel), length));
    } catch (StorageException e) {
      throw failure("open", key, e);
    }
  }

  @Override
  public OptionalLong size(String key) throws IOException {
    try {
      Blob blob = storage.get(blobId(key), Storage.BlobGetOption.fields(Storage.BlobField.SIZE));
      return blob == null ? OptionalLong.empty() : OptionalLong.of(blob.getSize());
    } catch (StorageException e) {
      throw failure("size", key, e);
    }
  }

  @Override
  public Optional<StoredObject> read(String key) throws IOException {
    BlobId id = blobId(key);
    for (int attempt = 1; ; attempt++) {
      try {
        Blob blob = storage.get(id, Storage.BlobGetOption.fields(Storage.BlobField.GENERATION));
        if (blob == null) {
          return Optional.empty();
        }
        long generation = blob.getGeneration();
        // Read exactly the generation just seen, so the bytes and the generation belong together.
        byte[] data = storage.readAllBytes(BlobId.of(bucket, id.getName(), generation));
        return Optional.of(new StoredObject(data, generation));
      } catch (StorageException e) {
        // 404 here: replaced between the two calls; look again.
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND || attempt >= READ_ATTEMPTS) {
          throw failure("read", key, e);
        }
      }
    }
  }

  @Override
  public boolean createIfAbsent(String key, byte[] data) throws IOException {
    return write("createIfAbsent", key, data, Storage.BlobTargetOption.doesNotExist());
  }

  @Override
  public boolean compareAndSet(String key, long expectedGeneration, byte[] data)
      throws IOException {
    return write(
        "compareAndSet", key, data, Storage.BlobTargetOption.generationMatch(expectedGeneration));
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      storage.delete(blobId(key)); // false when absent: nothing to do
    } catch (StorageException e) {
      throw failure("delete", key, e);
    }
  }

  private boolean write(String op, String key, byte[] data, Storage.BlobTargetOption precondition)
      throws IOException {
    BlobInfo info = BlobInfo.newBuilder(blobId(key)).setContentType(contentType(key)).build();
    try {
      storage.create(info, data, precondition);
      return true;
    } catch (StorageException e) {
      if (e.getCode() == HttpURLConnection.HTTP_PRECON_FAILED) {
        return false;
      }
      throw failure(op, key, e);
    }
  }

  @Override
  public String describe() {
    return "gs://" + bucket + "/" + prefix;
  }

  /** Pages fetched by {@link #list} so far (for tests of paging). */
  long pagesRead() {
    return pagesRead.get();
  }

  private BlobId blobId(String key) {
    if (key.isEmpty()
        || key.startsWith("/")
        || key.contains("//")
        || key.equals("..")
        || key.startsWith("../")
        || key.contains("/../")
        || key.endsWith("/..")) {
      throw new IllegalArgumentException("not a valid object key");
    }
    return BlobId.of(bucket, prefix + key);
  }

  private static String contentType(String key) {
    if (key.endsWith(".ndjson")) {
      return "application/x-ndjson";
    }
    if (key.endsWith(".json")) {
      return "application/json";
    }
    return "application/octet-stream";
  }

  private IOException failure(String op, String key, StorageException e) {
    return new IOException(
        "GCS "
            + op
            + " gs://"
            + bucket
            + "/"
            + prefix
            + key
            + " failed: HTTP "
            + e.getCode()
            + (e.getReason() == null ? "" : " " + e.getReason()),
        e);
  }
}
