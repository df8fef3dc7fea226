package dev.prio.server.storage;

import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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
    Path script = repoDir().resolve("bin/fake-gcs");
    try {
      Path dir = Files.createTempDirectory("fake-gcs-");
      run(script, List.of("install"), TimeUnit.MINUTES.toSeconds(10));
      int port = 0;
      for (int attempt = 1; port == 0; attempt++) {
        int candidate = freePort();
        try {
          run(script, List.of("start", String.valueOf(candidate), dir.toString(), "memory"), 60);
          port = candidate;
        } catch (IOException e) {
          // another process may have taken the port between probing and binding
          if (attempt == 3) {
            throw e;
          }
        }
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      run(script, List.of("stop", dir.toString()), 30);
                      try (var files = Files.list(dir)) {
                        for (Path f : files.toList()) {
                          Files.deleteIfExists(f);
                        }
                      }
                      Files.deleteIfExists(dir);
                    } catch (IOException e) {
                      // the watchdog stops it once this JVM is gone
                    }
                  },
                  "fake-gcs-stop"));
      return "http://127.0.0.1:" + port;
    } catch (IOException e) {
      throw new IllegalStateException("could not start fake-gcs-server: " + e.getMessage(), e);
    }
  }

  private static void run(Path script, List<String> args, long timeoutSeconds) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(script.toString());
    command.addAll(args);
    Path out = Files.createTempFile("fake-gcs-", ".out");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("FAKE_GCS_WATCH_PID", String.valueOf(ProcessHandle.current().pid()));
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("bin/fake-gcs " + String.join(" ", args) + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    if (p.exitValue() != 0) {
      throw new IOException(
          "bin/fake-gcs " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + output);
    }
  }

  private static Path repoDir() {
    String configured = System.getProperty("prio.repo.dir");
    if (configured != null && Files.isRegularFile(Path.of(configured, "bin/fake-gcs"))) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("bin/fake-gcs"))) {
        return p;
      }
    }
    throw new IllegalStateException("bin/fake-gcs not found above " + Path.of("").toAbsolutePath());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
