package dev.prio.server.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Opens a store from its URI: {@code file:/path} (or a bare path). {@code gs://} arrives with the GCS backend. */
public final class ObjectStores {
  private ObjectStores() {}

  public static ObjectStore open(String uri) throws IOException {
    if (uri.startsWith("gs://")) {
      throw new IllegalArgumentException("gs:// storage is not available in this build; use file:/path");
    }
    if (uri.startsWith("file:")) {
      String path = uri.substring("file:".length());
      return new FileObjectStore(path.startsWith("//") ? Path.of(URI.create(uri)) : Path.of(path));
    }
    return new FileObjectStore(Path.of(uri));
  }
}
