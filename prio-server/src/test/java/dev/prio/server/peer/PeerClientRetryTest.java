package dev.prio.server.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.signing.AuthFailureReason;
import dev.prio.server.signing.Ed25519Keys;
import dev.prio.server.signing.HttpMessage;
import dev.prio.server.signing.HttpSigner;
import dev.prio.server.signing.HttpVerifier;
import dev.prio.server.signing.NonceCache;
import dev.prio.server.signing.PeerSignatureProfile;
import dev.prio.server.signing.PeerSigningInterceptor;
import dev.prio.server.storage.BatchKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * What A's retry policy makes of answers its signing interceptor refused, through a real RestClient
 * and interceptor against a fake B on loopback: an unsigned answer, whatever its status, is lost
 * and retried within the budget, then {@code UNAVAILABLE}; a signed answer that fails verification
 * is a permanent refusal after one attempt.
 */
class PeerClientRetryTest {
  interface Answer {
    /** Answers request number {@code n} (1-based). */
    void send(HttpExchange ex, HttpMessage request, int n) throws IOException;
  }

  static final SecureRandom RANDOM = new SecureRandom();
  static final String TOTAL =
      "{\"totalShare\":\"AA==\",\"validCount\":7,\"validIdChecksum\":\"c\",\"chunkDigest\":\"d\","
          + "\"funnel\":{},\"peerOnly\":0}";
  static final BatchKey KEY = new BatchKey(LocalDate.parse("2026-12-01"), "b1");

  final Clock clock = Clock.systemUTC();
  final Ed25519Keys.SigningKey a = key("a");
  final Ed25519Keys.SigningKey b = key("b");
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final PrioMetrics metrics = new PrioMetrics(registry);
  final AtomicInteger requests = new AtomicInteger();
  volatile Answer answer;
  HttpServer server;
  PeerClient client;

  static Ed25519Keys.SigningKey key(String id) {
    return new Ed25519Keys.SigningKey(id, new Ed25519PrivateKeyParameters(RANDOM));
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            URI uri = ex.getRequestURI();
            HttpMessage req =
                HttpMessage.request(
                    ex.getRequestMethod(),
                    "http",
                    "127.0.0.1",
                    uri.getRawPath(),
                    uri.getRawQuery(),
                    new LinkedHashMap<>(ex.getRequestHeaders()));
            answer.send(ex, req, requests.incrementAndGet());
          }
        });
    server.start();
    HttpVerifier verifierAtA =
        new HttpVerifier(
            Map.of(b.keyId(), b.privateKey().generatePublicKey()),
            PeerSignatureProfile.RESPONSE,
            Duration.ofSeconds(60),
            new NonceCache(100),
            clock,
            metrics::peerAuthFailure);
    RestClient rest =
        RestClient.builder()
            .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .requestFactory(new JdkClientHttpRequestFactory())
            .requestInterceptor(
                new PeerSigningInterceptor(new HttpSigner(a, clock), verifierAtA, true))
            .build();
    RetryPolicy policy =
        new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(30));
    client = new PeerClient(rest, JsonMapper.builder().build(), policy, metrics);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  static void send(HttpExchange ex, int status, String body, HttpSigner.SignatureFields fields)
      throws IOException {
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    if (fields != null) {
      fields.applyTo(ex.getResponseHeaders()::set);
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
    ex.getResponseBody().write(out);
  }

  /** B's honest answer, signed with {@code key} and bound to the request. */
  Answer signed(Ed25519Keys.SigningKey key, int status, String body) {
    HttpSigner signer = new HttpSigner(key, clock);
    return (ex, req, n) ->
        send(
            ex,
            status,
            body,
            signer.signResponse(status, body.getBytes(StandardCharsets.UTF_8), req));
  }

  static Answer unsigned(int status, String body) {
    return (ex, req, n) -> send(ex, status, body, null);
  }

  Total.Response total() throws PeerException {
    return client.total(KEY, new Total.Request(1, 1, 7, "c", "d"));
  }

  double missingSignatures() {
    var c = registry.find(PrioMetrics.PEER_AUTH_FAILURES).tag("reason", "missing_signature");
    return c.counter() == null ? 0 : c.counter().count();
  }

  @Test
  void unsigned_400s_are_retried_as_lost_until_b_answers_signed() throws Exception {
    Answer bad = unsigned(400, "{\"type\":\"urn:prio:problem:peer-protocol\"}");
    Answer good = signed(b, 200, TOTAL);
    answer = (ex, req, n) -> (n <= 2 ? bad : good).send(ex, req, n);
    assertThat(total().validCount()).isEqualTo(7);
    assertThat(requests.get()).isEqualTo(3);
    assertThat(missingSignatures()).isEqualTo(2.0);
  }

  @Test
  void unsigned_400_forever_ends_unavailable_after_the_budget() {
    answer = unsigned(400, "{\"type\":\"urn:prio:problem:peer-protocol\"}");
    assertThatThrownBy(this::total)
        .isInstanceOfSatisfying(
            PeerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(PeerException.Kind.UNAVAILABLE);
              assertThat(e.problem()).isNull();
              assertThat(e.getMessage())
                  .contains("no signed answer")
                  .contains("unsigned 400 response");
            });
    assertThat(requests.get()).isEqualTo(4);
    assertThat(missingSignatures()).isEqualTo(4.0);
  }

  @Test
  void an_unsigned_200_is_not_trusted_and_ends_unavailable() {
    // The body would parse as a valid answer: it must never be read, let alone used.
    answer = unsigned(200, TOTAL);
    assertThatThrownBy(this::total)
        .isInstanceOfSatisfying(
            PeerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(PeerException.Kind.UNAVAILABLE);
              assertThat(e.getMessage()).contains("unsigned 200 response");
            });
    assertThat(requests.get()).isEqualTo(4);
  }

  @Test
  void a_signed_but_forged_answer_is_a_permanent_refusal() {
    // Signed under B's key id with another key: a wrong key or an attacker; retrying cannot help.
    answer = signed(new Ed25519Keys.SigningKey("b", key("mallory").privateKey()), 200, TOTAL);
    assertThatThrownBy(this::total)
        .isInstanceOfSatisfying(
            PeerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(PeerException.Kind.REJECTED);
              assertThat(e.getMessage()).contains("bad_signature");
            });
    assertThat(requests.get()).isEqualTo(1);
    assertThat(missingSignatures()).isZero();
  }

  @Test
  void only_a_missing_signature_counts_as_lost() {
    for (AuthFailureReason r : AuthFailureReason.values()) {
      assertThat(RetryPolicy.isLost(r))
          .as(r.label())
          .isEqualTo(r == AuthFailureReason.MISSING_SIGNATURE);
    }
  }
}
