package dev.prio.server.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Opens a store from its URI: {@code file:/path} (or a bare path), or {@code gs://bucket/prefix}.
 *
 * <p>For {@code gs://} an emulator endpoint (fake-gcs-server) may be named, in this order: the
 * {@code emulatorHost} argument, the system property {@value #GCS_HOST_PROPERTY}, the environment
 * variable {@value #GCS_HOST_ENV} (the name other GCS clients already honour). Without one the
 * store talks to GCS with Application Default Credentials.
 */
public final class ObjectStores {
  /** System property naming the GCS emulator endpoint, e.g. {@code http://127.0.0.1:4443}. */
  public static final String GCS_HOST_PROPERTY = "prio.storage.gcs-host";

  /** Environment variable naming the GCS emulator endpoint ({@code host:port} or a URL). */
  public static final String GCS_HOST_ENV = "STORAGE_EMULATOR_HOST";

  private ObjectStores() {}

  public static ObjectStore open(String uri) throws IOException {
    return open(uri, null);
  }

  /**
   * As {@link #open(String)}, with an explicit GCS emulator endpoint (null or blank: look it up).
   */
  public static ObjectStore open(String uri, String gcsHost) throws IOException {
    if (uri.startsWith("gs://")) {
      return GcsObjectStore.open(
          uri, gcsHost == null || gcsHost.isBlank() ? emulatorHost() : gcsHost);
    }
    if (uri.startsWith("file:")) {
      String path = uri.substring("file:".length());
      return new FileObjectStore(path.startsWith("//") ? Path.of(URI.create(uri)) : Path.of(path));
    }
    return new FileObjectStore(Path.of(uri));
  }

  /** The configured GCS emulator endpoint, or null for real GCS. */
  static String emulatorHost() {
    String host = System.getProperty(GCS_HOST_PROPERTY);
    if (host == null || host.isBlank()) {
      host = System.getenv(GCS_HOST_ENV);
    }
    return host == null || host.isBlank() ? null : host;
  }
}
