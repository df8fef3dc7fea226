package dev.prio.server.pair;

import dev.prio.core.crypto.KeyPair;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.packet.ServerId;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two real servers, A and B, each its own Spring context with its own storage directory, talking
 * real HTTP over loopback. Either can be stopped and started again on the same storage.
 */
public final class ServerPair implements AutoCloseable, PairSettings<ServerPair> {
  /** Ed25519 peer keys for A and B and the operator token; see docs/peer-auth.md. */
  public static final PeerAuthTestSupport PEER_AUTH = PeerAuthTestSupport.generate();

  public record Keys(KeyPair a, KeyPair b, SharedSeed seed) {}

  private final Path rootA;
  private final Path rootB;
  private final Keys keys;
  private final String dataConfig;
  private final Map<String, String> extra = new HashMap<>();
  private final Map<ServerId, Map<String, String>> extraByRole = new HashMap<>();
  private ConfigurableApplicationContext a;
  private ConfigurableApplicationContext b;
  private int portB;
  private final HttpClient http = HttpClient.newHttpClient();

  public ServerPair(Path work, Keys keys, String dataConfig) throws IOException {
    this.rootA = Files.createDirectories(work.resolve("a"));
    this.rootB = Files.createDirectories(work.resolve("b"));
    this.keys = keys;
    this.dataConfig = dataConfig;
  }

  @Override
  public ServerPair with(String property, String value) {
    extra.put(property, value);
    return this;
  }

  /** A property for one server only, e.g. its own storage root. */
  @Override
  public ServerPair withRole(ServerId role, String property, String value) {
    extraByRole.computeIfAbsent(role, r -> new HashMap<>()).put(property, value);
    return this;
  }

  public Path root(ServerId s) {
    return s == ServerId.A ? rootA : rootB;
  }

  public ServerPair start() {
    startB();
    startA();
    return this;
  }

  public void startB() {
    b = context(ServerId.B, portB);
    portB = ((WebServerApplicationContext) b).getWebServer().getPort();
  }

  public void startA() {
    a = context(ServerId.A, 0);
  }

  public void stop(ServerId s) {
    if (s == ServerId.A && a != null) {
      a.close();
      a = null;
    } else if (s == ServerId.B && b != null) {
      b.close();
      b = null;
    }
  }

  public ConfigurableApplicationContext context(ServerId s) {
    return s == ServerId.A ? a : b;
  }

  public String url(ServerId s) {
    return "http://127.0.0.1:"
        + ((WebServerApplicationContext) context(s)).getWebServer().getPort();
  }

  private ConfigurableApplicationContext context(ServerId role, int port) {
    Map<String, String> props =
        properties(role, keys, root(role), dataConfig, port, "http://127.0.0.1:" + portB);
    props.putAll(extra);
    props.putAll(extraByRole.getOrDefault(role, Map.of()));
    return new SpringApplicationBuilder(TestServerApplication.class).run(args(props));
  }

  /**
   * The properties one test server runs with (shared by this in-JVM pair and the process pair in
   * {@code dev.prio.server.faults}): its role and keys, its storage root, DATA_CONFIG, its port and
   * the peer URL, fast retries, the metrics tag and the peer-auth keys. Mutable, for extras.
   */
  public static Map<String, String> properties(
      ServerId role, Keys keys, Path root, String dataConfig, int port, String peerUrl) {
    return properties(role, keys, "file:" + root, dataConfig, port, peerUrl);
  }

  /**
   * As above, on any storage root ({@code file:/path} or {@code gs://bucket/prefix}): the replica
   * harnesses in {@code dev.prio.server.replicas} run on fake-gcs-server.
   */
  public static Map<String, String> properties(
      ServerId role, Keys keys, String root, String dataConfig, int port, String peerUrl) {
    KeyPair own = role == ServerId.A ? keys.a() : keys.b();
    KeyPair other = role == ServerId.A ? keys.b() : keys.a();
    Map<String, String> props = new LinkedHashMap<>();
    props.put("spring.config.import", "classpath:prio-server.yaml");
    props.put("spring.application.name", "prio-server-" + role.name().toLowerCase());
    props.put("server.port", String.valueOf(port));
    props.put("server.address", "127.0.0.1");
    props.put("prio.role", role.name());
    props.put("prio.keys.private-key-hex", own.privateKey().toHex());
    props.put("prio.keys.public-key-hex-internal", own.publicKey().toHex());
    props.put("prio.keys.public-key-hex-external", other.publicKey().toHex());
    props.put("prio.keys.shared-secret", keys.seed().toBase64());
    props.put("prio.storage.root", root);
    props.put("prio.batch.data-config", dataConfig);
    props.put("prio.peer.url", peerUrl);
    props.put("prio.peer.initial-backoff", "20ms");
    // The pair tests run batches of a handful of submissions; production keeps the default (100).
    props.put("prio.batch.min-batch-size", "1");
    props.put("management.metrics.tags.server", role.name().toLowerCase());
    props.putAll(PEER_AUTH.propertiesFor(role == ServerId.A));
    return props;
  }

  /** Command-line arguments, which outrank prio-server.yaml's environment placeholders. */
  public static String[] args(Map<String, String> props) {
    return props.entrySet().stream()
        .map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
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
            .header("Authorization", PeerAuthTestSupport.BEARER)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static final Pattern PHASE = Pattern.compile("\"phase\"\\s*:\\s*\"([A-Z]+)\"");

  /** Polls GET /batches/{id} on a server until the batch is terminal; returns the last body. */
  public String awaitTerminal(ServerId s, String batchId, String date, Duration timeout)
      throws Exception {
    return awaitTerminal(s, "/batches/" + batchId + "?submissionDate=" + date, timeout);
  }

  /** As above, for one window of the date ({@code window}: e.g. h07). */
  public String awaitTerminal(
      ServerId s, String batchId, String date, String window, Duration timeout) throws Exception {
    return awaitTerminal(
        s, "/batches/" + batchId + "?submissionDate=" + date + "&window=" + window, timeout);
  }

  private String awaitTerminal(ServerId s, String path, Duration timeout) throws Exception {
    Instant end = Instant.now().plus(timeout);
    String body = "";
    while (Instant.now().isBefore(end)) {
      HttpResponse<String> r = get(s, path);
      body = r.body();
      Matcher m = PHASE.matcher(body);
      if (r.statusCode() == 200
          && m.find()
          && (m.group(1).equals("PUBLISHED")
              || m.group(1).equals("FAILED")
              || m.group(1).equals("ABANDONED"))) {
        return body;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(path + " did not finish on " + s + ": " + body);
  }

  public static String phase(String body) {
    Matcher m = PHASE.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  @Override
  public void close() {
    stop(ServerId.A);
    stop(ServerId.B);
  }
}
