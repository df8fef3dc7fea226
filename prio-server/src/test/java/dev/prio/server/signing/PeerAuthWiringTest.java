package dev.prio.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.server.metrics.PrioMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The real thing on loopback: a Spring Boot server (embedded Tomcat) with
 * {@code @Import(PeerAuthConfiguration.class)} as server B, and A's RestClient with the interceptor
 * — the same one-line wiring the servers get. Also the safe defaults at startup and that no secret
 * reaches the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class PeerAuthWiringTest {
  static final String TOKEN = "operator-token-for-the-wiring-test";

  /**
   * Not a @Configuration (component scanning of dev.prio.server must not find it); used as a
   * source.
   */
  @EnableAutoConfiguration
  @Import(PeerAuthConfiguration.class)
  static class App {
    @Bean
    PrioMetrics prioMetrics(MeterRegistry registry) {
      return new PrioMetrics(registry);
    }

    @Bean
    RouterFunction<ServerResponse> routes() {
      return RouterFunctions.route()
          .PUT(
              "/peer/v1/echo",
              req ->
                  ServerResponse.ok()
                      .contentType(MediaType.APPLICATION_JSON)
                      .body(req.body(byte[].class)))
          .GET("/batches/{id}", req -> ServerResponse.ok().body("batch " + req.pathVariable("id")))
          .build();
    }
  }

  final Ed25519Keys.SigningKey a = TestKeys.generate("server-a-2026");
  final Ed25519Keys.SigningKey b = TestKeys.generate("server-b-2026");
  final HttpClient http = HttpClient.newHttpClient();
  ConfigurableApplicationContext server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  ConfigurableApplicationContext start(Map<String, String> props) {
    Map<String, String> all = new HashMap<>(props);
    all.put("server.port", "0");
    all.put("server.address", "127.0.0.1");
    all.put("spring.main.banner-mode", "off");
    all.put("management.endpoints.web.exposure.include", "health,prometheus");
    String[] args =
        all.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return new SpringApplicationBuilder(App.class).run(args);
  }

  String url() {
    return "http://127.0.0.1:" + ((WebServerApplicationContext) server).getWebServer().getPort();
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url() + path)).GET();
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void signed_peer_traffic_operator_token_and_metrics_end_to_end(CapturedOutput output)
      throws Exception {
    server = start(TestKeys.properties(b, a, TOKEN));
    PeerAuth atA =
        PeerAuth.from(
            new PeerAuthProperties(
                false,
                a.keyId(),
                TestKeys.privateBase64(a),
                b.keyId(),
                TestKeys.publicBase64(b),
                null,
                null,
                100,
                true,
                null,
                true),
            Clock.systemUTC(),
            r -> {});
    RestClient rest =
        RestClient.builder()
            .baseUrl(url())
            .requestFactory(new JdkClientHttpRequestFactory())
            .requestInterceptor(atA.clientInterceptor())
            .build();

    String echoed =
        rest.put()
            .uri("/peer/v1/echo")
            .contentType(MediaType.APPLICATION_JSON)
            .body("{\"round\":1}")
            .retrieve()
            .body(String.class);
    assertThat(echoed).isEqualTo("{\"round\":1}");

    HttpResponse<String> unsigned =
        http.send(
            HttpRequest.newBuilder(URI.create(url() + "/peer/v1/echo"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"round\":1}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(unsigned.body())
        .contains("\"type\":\"urn:prio:problem:unauthorized\"")
        .contains("missing_signature");
    assertThat(unsigned.headers().firstValue("Signature")).isPresent();

    // Operator API: token required; health public; actuator batches guarded even when not exposed.
    HttpResponse<String> noToken = get("/batches/b1", null);
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"prio\"");
    assertThat(get("/batches/b1", TOKEN).body()).isEqualTo("batch b1");
    assertThat(get("/batches/b1", "wrong").statusCode()).isEqualTo(401);
    assertThat(get("/actuator/batches", null).statusCode()).isEqualTo(401);
    assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);

    String prometheus = get("/actuator/prometheus", null).body();
    assertThat(prometheus)
        .contains("prio_peer_auth_failures_total{reason=\"missing_signature\"} 1.0")
        .contains("prio_peer_auth_failures_total{reason=\"replayed\"} 0.0");

    // No secret in the log: neither private key nor the token (nor its hash).
    assertThat(output.getAll())
        .doesNotContain(TestKeys.privateBase64(a))
        .doesNotContain(TestKeys.privateBase64(b))
        .doesNotContain(TOKEN)
        .doesNotContain(OperatorTokenFilter.hash(TOKEN));
  }

  @Test
  void refuses_to_start_without_keys_or_token() {
    Map<String, String> noKey = new HashMap<>(TestKeys.properties(b, a, TOKEN));
    noKey.remove("prio.peer-auth.private-key");
    assertThatThrownBy(() -> start(noKey))
        .hasStackTraceContaining("prio.peer-auth.private-key is required");
    Map<String, String> noToken = new HashMap<>(TestKeys.properties(b, a, TOKEN));
    noToken.remove("prio.peer-auth.operator-token-sha256");
    assertThatThrownBy(() -> start(noToken))
        .hasStackTraceContaining("prio.peer-auth.operator-token-sha256 is required");
    Map<String, String> badKey = new HashMap<>(TestKeys.properties(b, a, TOKEN));
    badKey.put("prio.peer-auth.peer-public-key", "bm90IGEga2V5");
    assertThatThrownBy(() -> start(badKey))
        .hasStackTraceContaining("prio.peer-auth.peer-public-key")
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("bm90IGEga2V5"));
  }

  @Test
  void explicit_opt_outs_for_a_local_demo() throws Exception {
    server =
        start(
            Map.of(
                "prio.peer-auth.signing-disabled",
                "true",
                "prio.peer-auth.operator-token-disabled",
                "true"));
    assertThat(get("/batches/b1", null).statusCode()).isEqualTo(200);
    HttpResponse<String> unsigned =
        http.send(
            HttpRequest.newBuilder(URI.create(url() + "/peer/v1/echo"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(200);
  }

  static String stackTrace(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  /**
   * With the actuator on its own port the operator token must still guard it. Active once {@code
   * ManagementContextConfiguration.imports} lists {@link ManagementOperatorTokenConfiguration}.
   */
  @Test
  void operator_token_also_guards_a_separate_management_port() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        managementImportsListed(),
        "ManagementOperatorTokenConfiguration not yet listed in ManagementContextConfiguration.imports");
    int mgmt;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      mgmt = s.getLocalPort();
    }
    Map<String, String> props = new HashMap<>(TestKeys.properties(b, a, TOKEN));
    props.put("management.server.port", String.valueOf(mgmt));
    props.put("management.server.address", "127.0.0.1");
    server = start(props);
    String base = "http://127.0.0.1:" + mgmt;
    HttpResponse<String> env =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/batches")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(env.statusCode()).isEqualTo(401);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/actuator/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).GET().build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/actuator/batches"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(404); // through the filter; this test app has no batches endpoint
  }

  static boolean managementImportsListed() throws java.io.IOException {
    var urls =
        PeerAuthWiringTest.class
            .getClassLoader()
            .getResources(
                "META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports");
    while (urls.hasMoreElements()) {
      try (var in = urls.nextElement().openStream()) {
        if (new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .contains(ManagementOperatorTokenConfiguration.class.getName())) {
          return true;
        }
      }
    }
    return false;
  }
}
