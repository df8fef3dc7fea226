package dev.prio.server.faults;

import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.PairSettings;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.signing.PeerAuthTestSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link ServerPair}'s API over two real server processes ({@link ProcessServer}), with a {@link
 * FaultProxy} between A and B: A's peer URL is the proxy, which forwards to B. Ports are fixed up
 * front, so either server can be killed and restarted on the same port and storage and the proxy
 * keeps pointing at B. {@link #close()} kills both processes and the proxy, whatever state the test
 * left them in.
 */
public final class ProcessPair implements AutoCloseable, PairSettings<ProcessPair> {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path work;
  private final Path rootA;
  private final Path rootB;
  private final ServerPair.Keys keys;
  private final String dataConfig;
  private final Map<String, String> extra = new HashMap<>();
  private final Map<ServerId, Map<String, String>> extraByRole = new HashMap<>();
  private final int portA;
  private final int portB;
  private final FaultProxy proxy;
  private ProcessServer a;
  private ProcessServer b;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ProcessPair(Path work, ServerPair.Keys keys, String dataConfig) throws IOException {
    this.work = work;
    this.rootA = Files.createDirectories(work.resolve("a"));
    this.rootB = Files.createDirectories(work.resolve("b"));
    this.keys = keys;
    this.dataConfig = dataConfig;
    this.portA = ProcessServer.freePort();
    this.portB = ProcessServer.freePort();
    this.proxy = new FaultProxy(0, portB);
  }

  @Override
  public ProcessPair with(String property, String value) {
    extra.put(property, value);
    return this;
  }

  @Override
  public ProcessPair withRole(ServerId role, String property, String value) {
    extraByRole.computeIfAbsent(role, r -> new HashMap<>()).put(property, value);
    return this;
  }

  public Path root(ServerId s) {
    return s == ServerId.A ? rootA : rootB;
  }

  public FaultProxy proxy() {
    return proxy;
  }

  public ProcessServer server(ServerId s) {
    return s == ServerId.A ? a : b;
  }

  public String url(ServerId s) {
    return "http://127.0.0.1:" + (s == ServerId.A ? portA : portB);
  }

  public ProcessPair start() throws IOException, InterruptedException {
    start(ServerId.B);
    start(ServerId.A);
    return this;
  }

  /**
   * Starts (or restarts, after {@link #kill9} or {@link #stop}) one server on its port and storage.
   */
  public void start(ServerId role) throws IOException, InterruptedException {
    ProcessServer s = server(role);
    if (s == null) {
      Map<String, String> props =
          ServerPair.properties(
              role, keys, root(role), dataConfig, role == ServerId.A ? portA : portB, proxy.url());
      props.putAll(extra);
      props.putAll(extraByRole.getOrDefault(role, Map.of()));
      s =
          new ProcessServer(
              role.name().toLowerCase(),
              role == ServerId.A ? portA : portB,
              props,
              work.resolve("logs"));
      if (role == ServerId.A) {
        a = s;
      } else {
        b = s;
      }
    }
    s.start(START_TIMEOUT);
  }

  public void kill9(ServerId role) throws InterruptedException {
    if (server(role) != null) {
      server(role).kill9();
    }
  }

  public void stop(ServerId role) throws InterruptedException {
    if (server(role) != null) {
      server(role).stop();
    }
  }

  /** POST /batches/{id} on A. */
  public HttpResponse<String> startBatch(String batchId, String date)
      throws IOException, InterruptedException {
    return post(ServerId.A, "/batches/" + batchId, "{\"submissionDate\":\"" + date + "\"}");
  }

  public HttpResponse<String> post(ServerId s, String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(s) + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", PeerAuthTestSupport.BEARER)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(ServerId s, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(s) + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", PeerAuthTestSupport.BEARER)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Polls GET /batches/{id} until terminal; a server that is down is polled again, not an error.
   */
  public String awaitTerminal(ServerId s, String batchId, String date, Duration timeout)
      throws Exception {
    Instant end = Instant.now().plus(timeout);
    String body = "";
    while (Instant.now().isBefore(end)) {
      try {
        HttpResponse<String> r = get(s, "/batches/" + batchId + "?submissionDate=" + date);
        body = r.body();
        String phase = ServerPair.phase(body);
        if (r.statusCode() == 200
            && ("PUBLISHED".equals(phase) || "FAILED".equals(phase) || "ABANDONED".equals(phase))) {
          return body;
        }
      } catch (IOException e) {
        body = "(" + s + " not answering: " + e + ")";
      }
      Thread.sleep(100);
    }
    ProcessServer p = server(s);
    throw new AssertionError(
        "batch "
            + batchId
            + " did not finish on "
            + s
            + ": "
            + body
            + (p == null ? "" : "\n--- log tail ---\n" + p.tail()));
  }

  @Override
  public void close() {
    try {
      if (a != null) {
        a.close();
      }
    } finally {
      try {
        if (b != null) {
          b.close();
        }
      } finally {
        proxy.close();
      }
    }
  }
}
