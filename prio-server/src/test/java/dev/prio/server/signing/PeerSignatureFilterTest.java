package dev.prio.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import dev.prio.server.testing.ManualClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/** B's filter in front of a controller (MockMvc): what gets through, what gets a signed 401. */
class PeerSignatureFilterTest {
  static final String BODY = "{\"chunk\":1}";

  /** Functional routes, not a @Controller: the pair tests component-scan dev.prio.server. */
  static final class Endpoints {
    final AtomicInteger calls = new AtomicInteger();

    RouterFunction<ServerResponse> routes() {
      return RouterFunctions.route()
          .PUT(
              "/peer/v1/echo",
              req -> {
                calls.incrementAndGet();
                return ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(req.body(byte[].class));
              })
          .PUT(
              "/peer/v1/boom",
              req -> {
                throw new IllegalStateException("something internal");
              })
          .PUT(
              "/peer/v1/teapot",
              req ->
                  ServerResponse.ok()
                      .build(
                          (request, response) -> {
                            response.sendError(418);
                            return null;
                          }))
          .build();
    }
  }

  final ManualClock clock = new ManualClock(Instant.now());
  final Ed25519Keys.SigningKey a = TestKeys.generate("a");
  final Ed25519Keys.SigningKey b = TestKeys.generate("b");
  final TestKeys.Failures failuresAtB = new TestKeys.Failures();
  final HttpSigner signerA = new HttpSigner(a, clock);
  final HttpVerifier verifierAtA =
      new HttpVerifier(
          TestKeys.keys(b),
          PeerSignatureProfile.RESPONSE,
          Duration.ofSeconds(60),
          new NonceCache(100),
          clock,
          r -> {});
  final Endpoints endpoints = new Endpoints();
  MockMvc mvc;

  @BeforeEach
  void setUp() {
    HttpVerifier verifierAtB =
        new HttpVerifier(
            TestKeys.keys(a),
            PeerSignatureProfile.REQUEST,
            Duration.ofSeconds(60),
            new NonceCache(100),
            clock,
            failuresAtB);
    mvc =
        MockMvcBuilders.routerFunctions(endpoints.routes())
            .addFilters(new PeerSignatureFilter(new HttpSigner(b, clock), verifierAtB))
            .build();
  }

  record Sent(HttpMessage message, MockHttpServletResponse response) {}

  Sent send(String path, String body, HttpSigner.SignatureFields fields) throws Exception {
    MockHttpServletRequestBuilder req =
        put(URI.create("http://localhost" + path))
            .contentType("application/json")
            .content(body.getBytes(StandardCharsets.UTF_8));
    Map<String, List<String>> h = new LinkedHashMap<>();
    if (fields != null) {
      fields.applyTo(
          (k, v) -> {
            req.header(k, v);
            h.put(k, List.of(v));
          });
    }
    MockHttpServletResponse res = mvc.perform(req).andReturn().getResponse();
    return new Sent(HttpMessage.request("PUT", URI.create("http://localhost" + path), h), res);
  }

  Sent sendSigned(String path, String body) throws Exception {
    return send(
        path,
        body,
        signerA.signRequest(
            "PUT", URI.create("http://localhost" + path), body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Verifies the response as A would; returns it. */
  HttpVerifier.Verified verifyAtA(Sent s) throws Exception {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (String name : s.response().getHeaderNames()) {
      h.put(name, List.copyOf(s.response().getHeaders(name)));
    }
    return verifierAtA.verify(
        HttpMessage.response(s.response().getStatus(), h, s.message()),
        s.response().getContentAsByteArray());
  }

  void assertSigned401(Sent s, String reason) throws Exception {
    assertThat(s.response().getStatus()).isEqualTo(401);
    assertThat(s.response().getContentType()).isEqualTo("application/problem+json");
    assertThat(s.response().getContentAsString())
        .isEqualTo(
            "{\"type\":\"urn:prio:problem:unauthorized\","
                + "\"title\":\"unauthorized\",\"status\":401,\"detail\":\"peer request authentication failed: "
                + reason
                + "\"}");
    assertThat(s.response().getHeader("Signature")).startsWith("sig1=:");
    assertThat(s.response().getHeader("Accept-Signature"))
        .isEqualTo("sig1=(\"@method\" \"@path\" \"@query\" \"content-digest\");alg=\"ed25519\"");
    assertThat(endpoints.calls).hasValue(0);
  }

  @Test
  void signed_request_reaches_the_controller_and_the_answer_is_signed() throws Exception {
    Sent s = sendSigned("/peer/v1/echo", BODY);
    assertThat(s.response().getStatus()).isEqualTo(200);
    assertThat(s.response().getContentAsString()).isEqualTo(BODY);
    assertThat(endpoints.calls).hasValue(1);
    assertThat(verifyAtA(s).keyId()).isEqualTo("b");
    assertThat(failuresAtB.seen).isEmpty();
  }

  @Test
  void empty_body_is_signed_and_verified_too() throws Exception {
    Sent s = sendSigned("/peer/v1/echo", "");
    assertThat(s.response().getStatus()).isEqualTo(200);
    assertThat(s.response().getHeader("Content-Digest"))
        .isEqualTo("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    verifyAtA(s);
  }

  @Test
  void unsigned_request_gets_signed_401() throws Exception {
    Sent s = send("/peer/v1/echo", BODY, null);
    assertSigned401(s, "missing_signature");
    // Signed but, there being no request signature to bind to, only to method, path and query.
    assertThat(s.response().getHeader("Signature-Input")).doesNotContain("\"signature\"");
    assertThat(failuresAtB.seen).containsExactly("missing_signature");
  }

  @Test
  void mis_signed_request_gets_signed_401_that_a_accepts() throws Exception {
    HttpSigner forger =
        new HttpSigner(new Ed25519Keys.SigningKey("a", TestKeys.generate("x").privateKey()), clock);
    Sent s =
        send(
            "/peer/v1/echo",
            BODY,
            forger.signRequest(
                "PUT",
                URI.create("http://localhost/peer/v1/echo"),
                BODY.getBytes(StandardCharsets.UTF_8)));
    assertSigned401(s, "bad_signature");
    verifyAtA(s);
  }

  @Test
  void unknown_key_stale_replayed_tampered_all_get_401() throws Exception {
    HttpSigner stranger = new HttpSigner(TestKeys.generate("stranger"), clock);
    assertSigned401(
        send(
            "/peer/v1/echo",
            BODY,
            stranger.signRequest(
                "PUT",
                URI.create("http://localhost/peer/v1/echo"),
                BODY.getBytes(StandardCharsets.UTF_8))),
        "unknown_key");

    HttpSigner.SignatureFields old =
        signerA.signRequest(
            "PUT",
            URI.create("http://localhost/peer/v1/echo"),
            BODY.getBytes(StandardCharsets.UTF_8));
    clock.advance(Duration.ofMinutes(5));
    assertSigned401(send("/peer/v1/echo", BODY, old), "stale");

    HttpSigner.SignatureFields once =
        signerA.signRequest(
            "PUT",
            URI.create("http://localhost/peer/v1/echo"),
            BODY.getBytes(StandardCharsets.UTF_8));
    assertThat(send("/peer/v1/echo", BODY, once).response().getStatus()).isEqualTo(200);
    endpoints.calls.set(0);
    assertSigned401(send("/peer/v1/echo", BODY, once), "replayed");

    HttpSigner.SignatureFields f =
        signerA.signRequest(
            "PUT",
            URI.create("http://localhost/peer/v1/echo"),
            BODY.getBytes(StandardCharsets.UTF_8));
    assertSigned401(send("/peer/v1/echo", "{\"chunk\":2}", f), "digest_mismatch");

    HttpSigner.SignatureFields g =
        signerA.signRequest(
            "PUT",
            URI.create("http://localhost/peer/v1/echo"),
            BODY.getBytes(StandardCharsets.UTF_8));
    assertSigned401(send("/peer/v1/boom", BODY, g), "bad_signature");
    assertThat(failuresAtB.seen)
        .containsExactly("unknown_key", "stale", "replayed", "digest_mismatch", "bad_signature");
  }

  @Test
  void encoded_or_dotted_paths_do_not_bypass_the_filter() throws Exception {
    assertSigned401(send("/%70eer/v1/echo", BODY, null), "missing_signature");
    assertSigned401(send("//peer/v1/echo", BODY, null), "missing_signature");
    assertSigned401(send("/x/../peer/v1/echo", BODY, null), "missing_signature");
    assertSigned401(send("/peer;x=y/v1/echo", BODY, null), "missing_signature");
  }

  @Test
  void controller_failure_is_a_signed_500_naming_nothing_internal() throws Exception {
    Sent s = sendSigned("/peer/v1/boom", BODY);
    assertThat(s.response().getStatus()).isEqualTo(500);
    assertThat(s.response().getContentAsString())
        .contains("urn:prio:problem:internal")
        .doesNotContain("something internal");
    verifyAtA(s);
  }

  @Test
  void send_error_is_turned_into_a_signed_problem() throws Exception {
    Sent s = sendSigned("/peer/v1/teapot", BODY);
    assertThat(s.response().getStatus()).isEqualTo(418);
    assertThat(s.response().getContentType()).isEqualTo("application/problem+json");
    verifyAtA(s);
  }

  @Test
  void other_paths_are_not_touched() throws Exception {
    MockHttpServletResponse res =
        mvc.perform(put("/other").content(BODY)).andReturn().getResponse();
    assertThat(res.getStatus()).isEqualTo(404);
    assertThat(res.getHeader("Signature")).isNull();
    assertThat(failuresAtB.seen).isEmpty();
  }

  @Test
  void unsigned_requests_are_refused_before_their_body_is_read() throws Exception {
    HttpVerifier verifierAtB =
        new HttpVerifier(
            TestKeys.keys(a),
            PeerSignatureProfile.REQUEST,
            Duration.ofSeconds(60),
            new NonceCache(100),
            clock,
            failuresAtB);
    PeerSignatureFilter filter = new PeerSignatureFilter(new HttpSigner(b, clock), verifierAtB);
    org.springframework.mock.web.MockHttpServletRequest req =
        new org.springframework.mock.web.MockHttpServletRequest("PUT", "/peer/v1/echo") {
          @Override
          public jakarta.servlet.ServletInputStream getInputStream() {
            throw new AssertionError("the body of an unsigned request must not be read");
          }
        };
    MockHttpServletResponse res = new MockHttpServletResponse();
    filter.doFilter(req, res, new org.springframework.mock.web.MockFilterChain());
    assertThat(res.getStatus()).isEqualTo(401);
    assertThat(res.getHeader("Signature")).isNotNull();
  }
}
