package dev.prio.server.storage;

import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One fake-gcs-server per test JVM, started on a free loopback port through {@code bin/fake-gcs}
 * the first time a test asks for it and stopped when the JVM exits (the script's watchdog also
 * stops it if the JVM is killed). {@code bin/fake-gcs install} runs first; it returns at once when
 * the pinned release is already installed, and needs Go otherwise.
 *
 * <p>Set the system property or environment variable {@value #EXTERNAL} to an endpoint (e.g. {@code
 * http://127.0.0.1:4443}) to use an emulator the test command started instead.
 */
public final class FakeGcs {
  public static final String EXTERNAL = "FAKE_GCS_HOST";
  private static FakeGcs instance;

  private final String host;
  private final Storage client;

  private FakeGcs(String host) {
    this.host = host;
    this.client = GcsObjectStore.client(host);
  }

  /** The running emulator; starts it on first use. */
  public static synchronized FakeGcs get() {
    if (instance == null) {
      String external = System.getProperty(EXTERNAL, System.getenv(EXTERNAL));
      instance = new FakeGcs(external != null && !external.isBlank() ? external : start());
    }
    return instance;
  }

  /**
   * A fake-gcs-server of its own that publishes its buckets' notifications (the JSON API's
   * notificationConfigs, as Terraform's google_storage_notification creates them) to the Pub/Sub
   * emulator at {@code pubsubHost}: its Pub/Sub client reads PUBSUB_EMULATOR_HOST once, at start.
   */
  public static FakeGcs publishingTo(String pubsubHost) {
    int port =
        new EmulatorScript("bin/fake-gcs", "FAKE_GCS_WATCH_PID")
            .start(List.of("memory"), Map.of("PUBSUB_EMULATOR_HOST", pubsubHost));
    return new FakeGcs("http://127.0.0.1:" + port);
  }

  /** {@code http://127.0.0.1:<port>}: what {@link ObjectStores#GCS_HOST_PROPERTY} takes. */
  public String host() {
    return host;
  }

  /** A raw client on the emulator, for staging objects and looking behind a store's back. */
  public Storage client() {
    return client;
  }

  /** Creates a fresh bucket named {@code <stem>-<random>} so tests never share state. */
  public String newBucket(String stem) {
    String name =
        (stem + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    client.create(BucketInfo.of(name));
    return name;
  }

  public GcsObjectStore store(String bucket, String prefix, int pageSize) {
    return new GcsObjectStore(client, bucket, prefix, pageSize);
  }

  private static String start() {
    int port = new EmulatorScript("bin/fake-gcs", "FAKE_GCS_WATCH_PID").start(List.of("memory"));
    return "http://127.0.0.1:" + port;
  }
}
