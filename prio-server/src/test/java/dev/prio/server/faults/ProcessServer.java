package dev.prio.server.faults;

import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.TestServerApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One test server as its own JVM ({@link TestServerApplication} on this JVM's class path), so a
 * test can kill it with SIGKILL and start it again on the same storage and port. Its stdout and
 * stderr go to {@code <name>-<n>.log} in the given directory, one file per start. Every process is
 * also killed by a JVM shutdown hook, so none outlives the test run.
 */
public final class ProcessServer implements AutoCloseable {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "process-server-reaper"));
  }

  private final String name;
  private final int port;
  private final Map<String, String> properties;
  private final Path logDir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;
  private Path log;
  private int starts;

  /**
   * {@code properties} must set {@code server.port} to {@code port} (pick it with {@link
   * #freePort()}).
   */
  public ProcessServer(String name, int port, Map<String, String> properties, Path logDir) {
    this.name = name;
    this.port = port;
    this.properties = Map.copyOf(properties);
    this.logDir = logDir;
  }

  /** A port free right now on loopback (the usual small race is acceptable in tests). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /**
   * Launches the JVM and waits until its liveness endpoint answers 200, or fails with the log's
   * tail.
   */
  public void start(Duration timeout) throws IOException, InterruptedException {
    if (alive()) {
      throw new IllegalStateException(name + " is already running");
    }
    Files.createDirectories(logDir);
    log = logDir.resolve(name + "-" + ++starts + ".log");
    Path argFile = logDir.resolve(name + ".classpath.args");
    Files.writeString(
        argFile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("@" + argFile);
    command.add(TestServerApplication.class.getName());
    command.addAll(List.of(ServerPair.args(properties)));
    process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LIVE.add(process);
    awaitUp(timeout);
  }

  private void awaitUp(Duration timeout) throws IOException, InterruptedException {
    Instant end = Instant.now().plus(timeout);
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(url() + "/actuator/health/liveness"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    while (Instant.now().isBefore(end)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " while starting:\n" + tail());
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    kill9();
    throw new IllegalStateException(name + " did not come up within " + timeout + ":\n" + tail());
  }

  /**
   * SIGKILL (destroyForcibly on Linux): no shutdown hook, no flush, like an OOM kill or node loss.
   */
  public void kill9() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " survived SIGKILL for 30 s");
    }
    LIVE.remove(process);
  }

  /** A graceful stop (SIGTERM), then SIGKILL if it has not exited within 20 s. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    LIVE.remove(process);
  }

  /** The last lines of the current log, for failure messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Always kills: safe to call twice and after a failed start. */
  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LIVE.remove(process);
    }
  }

  @Override
  public String toString() {
    return "ProcessServer[" + name + " on " + port + (alive() ? ", running" : "") + "]";
  }
}
