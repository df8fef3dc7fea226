package dev.prio.server.replicas;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;

/**
 * One loopback address in front of several replicas of B, as a Kubernetes Service is: each request
 * goes to the next backend in turn, headers and body as they are (the peer signatures cover method,
 * path, query and digest, not the address). A backend that is down answers 502 here, and the retry
 * of server A — not this proxy — has to reach another replica.
 *
 * <p>It needs nothing beyond the JDK, so {@code bin/bench-pair --replicas R} runs this same file
 * with the JDK's source launcher, {@link #main}, in front of B's processes; keep it
 * dependency-free.
 */
final class RoundRobinProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade",
          "transfer-encoding",
          "keep-alive");

  private final HttpServer server;
  private final List<Supplier<String>> backends;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicIntegerArray inFlight;
  private volatile long delayMillis;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  RoundRobinProxy(List<Supplier<String>> backends) throws IOException {
    this(0, backends);
  }

  /** On the given loopback port (0: any free one). */
  RoundRobinProxy(int port, List<Supplier<String>> backends) throws IOException {
    this.backends = backends;
    this.inFlight = new AtomicIntegerArray(backends.size());
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::forward);
    server.start();
  }

  /**
   * {@code java RoundRobinProxy.java <port> <backend-url>...}: serves until the process is stopped,
   * then prints how many requests it forwarded (each backend had every R-th of them).
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: java RoundRobinProxy.java <port> <backend-url>...");
      System.exit(2);
    }
    List<Supplier<String>> backends =
        Arrays.stream(args, 1, args.length).<Supplier<String>>map(u -> () -> u).toList();
    RoundRobinProxy proxy = new RoundRobinProxy(Integer.parseInt(args[0]), backends);
    System.out.println(
        "round-robin proxy on " + proxy.url() + " over " + backends.size() + " backends");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    System.out.println(
                        "forwarded "
                            + proxy.next.get()
                            + " requests, "
                            + proxy.failedForwards()
                            + " answered 502")));
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Holds every request this long before forwarding it, so a chunk's rounds take long enough for a
   * test to stop a replica of A while it still holds the chunk.
   */
  void delay(Duration d) {
    delayMillis = d.toMillis();
  }

  /** Requests that found their backend down (answered 502). */
  int failedForwards() {
    return failed.get();
  }

  /**
   * Requests sent to backend {@code index} (0-based, in the order given) and not yet answered: a
   * test kills a backend while this is positive to hit it mid-round.
   */
  int inFlight(int index) {
    return inFlight.get(index);
  }

  private void forward(HttpExchange ex) throws IOException {
    int index = Math.floorMod(next.getAndIncrement(), backends.size());
    String backend = backends.get(index).get();
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(backend + ex.getRequestURI()))
            .timeout(Duration.ofSeconds(60))
            .method(
                ex.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    ex.getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> req.header(name, v));
              }
            });
    HttpResponse<byte[]> res;
    inFlight.incrementAndGet(index);
    try {
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
      res = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException | InterruptedException | IllegalArgumentException e) {
      failed.incrementAndGet();
      ex.sendResponseHeaders(502, -1);
      ex.close();
      return;
    } finally {
      inFlight.decrementAndGet(index);
    }
    res.headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                ex.getResponseHeaders().put(name, values);
              }
            });
    byte[] out = res.body();
    ex.sendResponseHeaders(res.statusCode(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      try (OutputStream o = ex.getResponseBody()) {
        o.write(out);
      }
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
