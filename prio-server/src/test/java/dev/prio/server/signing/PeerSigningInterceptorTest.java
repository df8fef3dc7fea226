package dev.prio.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * A's interceptor on a real RestClient against a fake B on loopback (the JDK's HttpServer), which
 * answers honestly or as a forger would.
 */
class PeerSigningInterceptorTest {
  interface Responder {
    void respond(HttpExchange ex, HttpMessage request, byte[] body) throws IOException;
  }

  final Clock clock = Clock.systemUTC();
  final Ed25519Keys.SigningKey a = TestKeys.generate("a");
  final Ed25519Keys.SigningKey b = TestKeys.generate("b");
  final Ed25519Keys.SigningKey mallory = TestKeys.generate("mallory");
  final TestKeys.Failures failuresAtA = new TestKeys.Failures();
  final HttpVerifier verifierAtB =
      new HttpVerifier(
          TestKeys.keys(a),
          PeerSignatureProfile.REQUEST,
          Duration.ofSeconds(60),
          new NonceCache(100),
          clock,
          r -> {});
  final AtomicReference<Responder> responder = new AtomicReference<>();
  HttpServer server;
  RestClient rest;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, List<String>> h = new LinkedHashMap<>(ex.getRequestHeaders());
            URI uri = ex.getRequestURI();
            HttpMessage req =
                HttpMessage.request(
                    ex.getRequestMethod(),
                    "http",
                    "127.0.0.1",
                    uri.getRawPath(),
                    uri.getRawQuery(),
                    h);
            responder.get().respond(ex, req, body);
          }
        });
    server.start();
    HttpVerifier verifierAtA =
        new HttpVerifier(
            TestKeys.keys(b),
            PeerSignatureProfile.RESPONSE,
            Duration.ofSeconds(60),
            new NonceCache(100),
            clock,
            failuresAtA);
    rest =
        RestClient.builder()
            .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .requestFactory(new JdkClientHttpRequestFactory())
            .requestInterceptor(
                new PeerSigningInterceptor(new HttpSigner(a, clock), verifierAtA, true))
            .build();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  static void send(HttpExchange ex, int status, byte[] body, HttpSigner.SignatureFields fields)
      throws IOException {
    if (fields != null) {
      fields.applyTo(ex.getResponseHeaders()::set);
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    ex.getResponseBody().write(body);
  }

  /** B as it should be: verifies the request, signs the answer with its own key. */
  Responder honestB(int status, String answer) {
    HttpSigner signer = new HttpSigner(b, clock);
    return (ex, req, body) -> {
      try {
        verifierAtB.verify(req, body);
      } catch (PeerAuthException e) {
        byte[] problem =
            "{\"type\":\"urn:prio:problem:unauthorized\"}".getBytes(StandardCharsets.UTF_8);
        send(ex, 401, problem, signer.signResponse(401, problem, req));
        return;
      }
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      send(ex, status, out, signer.signResponse(status, out, req));
    };
  }

  ResponseSeen put(String path, String body) {
    return rest.put()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .body(body)
        .exchange(
            (req, res) ->
                new ResponseSeen(
                    res.getStatusCode().value(),
                    new String(res.getBody().readAllBytes(), StandardCharsets.UTF_8),
                    res.getHeaders().getFirst("Retry-After")));
  }

  record ResponseSeen(int status, String body, String retryAfter) {}

  static void assertAuthFailure(Runnable call, AuthFailureReason reason) {
    assertThatThrownBy(call::run)
        .isInstanceOf(ResourceAccessException.class)
        .satisfies(
            e -> {
              PeerAuthException p = PeerAuthException.find(e);
              assertThat(p).isNotNull();
              assertThat(p.reason()).isEqualTo(reason);
            });
  }

  @Test
  void honest_peer_round_trip() {
    responder.set(honestB(200, "{\"ok\":true}"));
    ResponseSeen r = put("/peer/v1/batches/2026-11-24/b1/total", "{\"n\":1}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"ok\":true}");
    // Retries sign afresh: the same bytes twice are two distinct, valid requests.
    assertThat(put("/peer/v1/batches/2026-11-24/b1/total", "{\"n\":1}").status()).isEqualTo(200);
    assertThat(failuresAtA.seen).isEmpty();
  }

  @Test
  void honest_peer_errors_are_verified_and_passed_on() {
    responder.set(honestB(409, "{\"type\":\"urn:prio:problem:round-conflict\"}"));
    ResponseSeen r = put("/peer/v1/x", "{}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.body()).contains("round-conflict");
  }

  @Test
  void response_signed_by_a_third_party_is_refused() {
    HttpSigner forger = new HttpSigner(mallory, clock);
    responder.set(
        (ex, req, body) -> {
          byte[] out = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
          send(ex, 200, out, forger.signResponse(200, out, req));
        });
    assertAuthFailure(() -> put("/peer/v1/x", "{}"), AuthFailureReason.UNKNOWN_KEY);
    HttpSigner impostor =
        new HttpSigner(new Ed25519Keys.SigningKey("b", mallory.privateKey()), clock);
    responder.set(
        (ex, req, body) -> {
          byte[] out = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
          send(ex, 200, out, impostor.signResponse(200, out, req));
        });
    assertAuthFailure(() -> put("/peer/v1/x", "{}"), AuthFailureReason.BAD_SIGNATURE);
    assertThat(failuresAtA.seen).containsExactly("unknown_key", "bad_signature");
  }

  /**
   * An unsigned answer is not B's word, whatever its status: refused from its headers, its body
   * never read, counted as missing_signature. Whether that is final is the retry policy's call (it
   * retries it as lost: PeerClientRetryTest); the interceptor only refuses.
   */
  @Test
  void unsigned_success_or_client_error_is_refused_unread() {
    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    responder.set(
        (ex, req, body) -> {
          // A proxy's endless body: A must not wait for it or read it.
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, 0);
          byte[] block = new byte[1 << 16];
          try {
            while (written.get() < (1L << 30)) {
              ex.getResponseBody().write(block);
              written.addAndGet(block.length);
            }
          } catch (IOException e) {
            // A hung up: expected
          }
        });
    assertAuthFailure(() -> put("/peer/v1/x", "{}"), AuthFailureReason.MISSING_SIGNATURE);
    assertThat(written.get()).isLessThan(1L << 28);
    responder.set((ex, req, body) -> send(ex, 400, "{}".getBytes(StandardCharsets.UTF_8), null));
    assertAuthFailure(() -> put("/peer/v1/x", "{}"), AuthFailureReason.MISSING_SIGNATURE);
    responder.set((ex, req, body) -> send(ex, 401, "{}".getBytes(StandardCharsets.UTF_8), null));
    assertAuthFailure(() -> put("/peer/v1/x", "{}"), AuthFailureReason.MISSING_SIGNATURE);
    assertThat(failuresAtA.seen)
        .containsExactly("missing_signature", "missing_signature", "missing_signature");
  }

  @Test
  void genuine_response_with_a_swapped_body_is_refused() {
    HttpSigner signer = new HttpSigner(b, clock);
    responder.set(
        (ex, req, body) -> {
          byte[] genuine = "{\"total\":1}".getBytes(StandardCharsets.UTF_8);
          send(
              ex,
              200,
              "{\"total\":9}".getBytes(StandardCharsets.UTF_8),
              signer.signResponse(200, genuine, req));
        });
    assertAuthFailure(() -> put("/peer/v1/x", "{}"), AuthFailureReason.DIGEST_MISMATCH);
  }

  @Test
  void genuine_response_replayed_to_a_later_request_is_refused() {
    HttpSigner signer = new HttpSigner(b, clock);
    AtomicReference<HttpSigner.SignatureFields> first = new AtomicReference<>();
    byte[] out = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    responder.set(
        (ex, req, body) -> {
          if (first.get() == null) {
            first.set(signer.signResponse(200, out, req));
          }
          send(ex, 200, out, first.get());
        });
    assertThat(put("/peer/v1/x", "{}").status()).isEqualTo(200);
    assertAuthFailure(() -> put("/peer/v1/x", "{}"), AuthFailureReason.BAD_SIGNATURE);
  }

  @Test
  void unsigned_load_balancer_errors_reach_the_retry_policy_without_their_body() {
    responder.set(
        (ex, req, body) -> {
          ex.getResponseHeaders().set("Retry-After", "3");
          send(
              ex,
              503,
              "<html>upstream connect error</html>".getBytes(StandardCharsets.UTF_8),
              null);
        });
    ResponseSeen r = put("/peer/v1/x", "{}");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.retryAfter()).isEqualTo("3");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void signed_but_forged_5xx_is_refused() {
    HttpSigner forger =
        new HttpSigner(new Ed25519Keys.SigningKey("b", mallory.privateKey()), clock);
    responder.set(
        (ex, req, body) -> {
          byte[] out = "{}".getBytes(StandardCharsets.UTF_8);
          send(ex, 503, out, forger.signResponse(503, out, req));
        });
    assertAuthFailure(() -> put("/peer/v1/x", "{}"), AuthFailureReason.BAD_SIGNATURE);
  }

  @Test
  void peer_rejects_a_request_signed_with_the_wrong_key_and_says_so_signed() {
    // A signs with a key B does not know: B answers a signed 401, which A verifies and passes on.
    HttpVerifier verifierAtA =
        new HttpVerifier(
            TestKeys.keys(b),
            PeerSignatureProfile.RESPONSE,
            Duration.ofSeconds(60),
            new NonceCache(100),
            clock,
            failuresAtA);
    RestClient wrongKey =
        RestClient.builder()
            .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .requestFactory(new JdkClientHttpRequestFactory())
            .requestInterceptor(
                new PeerSigningInterceptor(new HttpSigner(mallory, clock), verifierAtA, true))
            .build();
    responder.set(honestB(200, "{\"ok\":true}"));
    int status =
        wrongKey
            .put()
            .uri("/peer/v1/x")
            .contentType(MediaType.APPLICATION_JSON)
            .body("{}")
            .exchange((req, res) -> res.getStatusCode().value());
    assertThat(status).isEqualTo(401);
  }

  /** B (or whoever answers on its address) sends far more than any round: A stops at the limit. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void an_oversized_response_is_refused_without_being_read_whole(boolean withContentLength) {
    long huge = 1L << 30;
    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    HttpSigner signer = new HttpSigner(b, clock);
    responder.set(
        (ex, req, body) -> {
          byte[] small = "{}".getBytes(StandardCharsets.UTF_8);
          signer.signResponse(200, small, req).applyTo(ex.getResponseHeaders()::set);
          ex.sendResponseHeaders(200, withContentLength ? huge : 0);
          byte[] block = new byte[1 << 16];
          java.util.Arrays.fill(block, (byte) 'x');
          try {
            while (written.get() < huge) {
              ex.getResponseBody().write(block);
              written.addAndGet(block.length);
            }
          } catch (IOException e) {
            // A hung up: expected
          }
        });
    HttpVerifier verifierAtA =
        new HttpVerifier(
            TestKeys.keys(b),
            PeerSignatureProfile.RESPONSE,
            Duration.ofSeconds(60),
            new NonceCache(100),
            clock,
            failuresAtA);
    RestClient small =
        RestClient.builder()
            .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .requestFactory(new JdkClientHttpRequestFactory())
            .requestInterceptor(
                new PeerSigningInterceptor(new HttpSigner(a, clock), verifierAtA, true, 1 << 20))
            .build();
    assertAuthFailure(
        () ->
            small
                .put()
                .uri("/peer/v1/x")
                .contentType(MediaType.APPLICATION_JSON)
                .body("{}")
                .retrieve()
                .toBodilessEntity(),
        AuthFailureReason.BODY_TOO_LARGE);
    assertThat(failuresAtA.seen).containsExactly("body_too_large");
    // Nothing close to the whole body crossed: A stopped reading at (about) the limit.
    assertThat(written.get()).isLessThan(huge / 4);
  }
}
