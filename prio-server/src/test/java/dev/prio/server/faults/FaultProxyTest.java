package dev.prio.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each behaviour of {@link FaultProxy} against a plain echo server, switched at runtime. */
class FaultProxyTest {
  HttpServer target;
  FaultProxy proxy;
  final AtomicInteger handled = new AtomicInteger();
  final AtomicReference<String> lastBody = new AtomicReference<>();
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeEach
  void start() throws IOException {
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/",
        ex -> {
          try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            lastBody.set(new String(body, StandardCharsets.UTF_8));
            handled.incrementAndGet();
            byte[] out = ("echo:" + lastBody.get()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
          }
        });
    target.start();
    proxy = new FaultProxy(0, target.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    proxy.close();
    target.stop(0);
  }

  HttpResponse<String> put(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(proxy.url() + path))
            .timeout(Duration.ofSeconds(20))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void switchesBehaviourAtRuntime() throws Exception {
    assertThat(put("/x", "abcdef").body()).isEqualTo("echo:abcdef");

    proxy.always(FaultProxy.Fault.delay(300));
    long t0 = System.nanoTime();
    assertThat(put("/x", "slow").body()).isEqualTo("echo:slow");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    proxy.always(FaultProxy.Fault.PASS);

    // Lost response: the target handled the request, the client sees the connection end.
    int before = handled.get();
    proxy.once("/lost", FaultProxy.Fault.DROP_RESPONSE);
    assertThatThrownBy(() -> put("/lost", "once")).isInstanceOf(IOException.class);
    assertThat(handled.get()).isGreaterThan(before);
    assertThat(proxy.armed()).isFalse();
    assertThat(put("/lost", "again").body()).isEqualTo("echo:again");

    // Peer down: nothing reaches the target.
    proxy.always(FaultProxy.Fault.REFUSE);
    before = handled.get();
    assertThatThrownBy(() -> put("/x", "refused")).isInstanceOf(IOException.class);
    assertThat(handled.get()).isEqualTo(before);
    proxy.always(FaultProxy.Fault.PASS);

    proxy.once("/t", FaultProxy.Fault.TAMPER_REQUEST);
    assertThat(put("/t", "abcdef").body()).isEqualTo("echo:" + flipMiddle("abcdef"));
    proxy.once("/t", FaultProxy.Fault.TAMPER_RESPONSE);
    assertThat(put("/t", "abcdef").body()).isEqualTo(flipMiddle("echo:abcdef"));

    assertThat(proxy.faultsApplied()).isGreaterThanOrEqualTo(5);
    assertThat(put("/x", "ok").body()).isEqualTo("echo:ok");
  }

  private static String flipMiddle(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    b[b.length / 2] ^= 1;
    return new String(b, StandardCharsets.UTF_8);
  }
}
