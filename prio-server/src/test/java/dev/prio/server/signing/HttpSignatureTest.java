package dev.prio.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.server.testing.ManualClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.Parser;
import org.junit.jupiter.api.Test;

/** Signing and verifying peer requests and responses, and every way a message is refused. */
class HttpSignatureTest {
  static final URI TARGET =
      URI.create("http://b.example:8080/peer/v1/batches/2026-11-24/b1/chunks/3/verify1");
  static final byte[] BODY = "{\"chunk\":3,\"data\":\"AAEC\"}".getBytes(StandardCharsets.UTF_8);

  final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T10:00:00Z"));
  final Ed25519Keys.SigningKey a = TestKeys.generate("server-a-1");
  final Ed25519Keys.SigningKey b = TestKeys.generate("server-b-1");
  final Ed25519Keys.SigningKey mallory = TestKeys.generate("mallory");
  final TestKeys.Failures failures = new TestKeys.Failures();
  final HttpSigner signerA = new HttpSigner(a, clock);
  final HttpSigner signerB = new HttpSigner(b, clock);

  /** B's view: trusts A's key. */
  final HttpVerifier atB =
      new HttpVerifier(
          TestKeys.keys(a),
          PeerSignatureProfile.REQUEST,
          Duration.ofSeconds(60),
          new NonceCache(1000),
          clock,
          failures);

  /** A's view: trusts B's key. */
  final HttpVerifier atA =
      new HttpVerifier(
          TestKeys.keys(b),
          PeerSignatureProfile.RESPONSE,
          Duration.ofSeconds(60),
          new NonceCache(1000),
          clock,
          failures);

  static HttpMessage request(String method, URI uri, HttpSigner.SignatureFields f) {
    return HttpMessage.request(method, uri, f == null ? Map.of() : f.asHeaders());
  }

  HttpMessage signedRequest() {
    return request("PUT", TARGET, signerA.signRequest("PUT", TARGET, BODY));
  }

  @Test
  void request_round_trip_and_header_shapes() throws Exception {
    HttpSigner.SignatureFields f = signerA.signRequest("PUT", TARGET, BODY);
    assertThat(f.contentDigest())
        .isEqualTo(ContentDigest.sha256(BODY))
        .startsWith("sha-256=:")
        .endsWith(":");
    assertThat(f.signatureInput())
        .matches(
            "sig1=\\(\"@method\" \"@path\" \"@query\" \"content-digest\"\\)"
                + ";created=1795514400;keyid=\"server-a-1\";alg=\"ed25519\";nonce=\"[A-Za-z0-9_-]{24}\"");
    assertThat(f.signature()).matches("sig1=:[A-Za-z0-9+/]{86}==:");
    HttpVerifier.Verified v = atB.verify(request("PUT", TARGET, f), BODY);
    assertThat(v.keyId()).isEqualTo("server-a-1");
    assertThat(v.created()).isEqualTo(1795514400L);
    assertThat(failures.seen).isEmpty();
  }

  @Test
  void the_request_base_is_what_the_profile_says() throws Exception {
    HttpSigner.SignatureFields f = signerA.signRequest("PUT", TARGET, BODY);
    HttpMessage m = request("PUT", TARGET, f);
    InnerList input =
        (InnerList) new Parser(f.signatureInput()).parseDictionary().get().get("sig1");
    assertThat(SignatureBase.build(input, m))
        .isEqualTo(
            String.join(
                "\n",
                "\"@method\": PUT",
                "\"@path\": /peer/v1/batches/2026-11-24/b1/chunks/3/verify1",
                "\"@query\": ?",
                "\"content-digest\": " + f.contentDigest(),
                "\"@signature-params\": " + f.signatureInput().substring("sig1=".length())));
  }

  @Test
  void each_signature_has_a_fresh_nonce() {
    String n1 = signerA.signRequest("PUT", TARGET, BODY).signatureInput();
    String n2 = signerA.signRequest("PUT", TARGET, BODY).signatureInput();
    assertThat(n1).isNotEqualTo(n2);
  }

  @Test
  void unsigned_request_is_missing_signature() {
    HttpMessage m =
        HttpMessage.request(
            "PUT", TARGET, Map.of("Content-Digest", List.of(ContentDigest.sha256(BODY))));
    assertRefused(() -> atB.verify(m, BODY), AuthFailureReason.MISSING_SIGNATURE);
  }

  @Test
  void other_label_only_is_missing_signature() {
    HttpSigner.SignatureFields f = signerA.signRequest("PUT", TARGET, BODY);
    Map<String, List<String>> h = new HashMap<>(f.asHeaders());
    h.put("Signature-Input", List.of(f.signatureInput().replaceFirst("^sig1=", "other=")));
    h.put("Signature", List.of(f.signature().replaceFirst("^sig1=", "other=")));
    assertRefused(
        () -> atB.verify(HttpMessage.request("PUT", TARGET, h), BODY),
        AuthFailureReason.MISSING_SIGNATURE);
  }

  @Test
  void signed_by_another_key_under_a_known_key_id_is_bad_signature() {
    HttpSigner forger =
        new HttpSigner(new Ed25519Keys.SigningKey("server-a-1", mallory.privateKey()), clock);
    HttpMessage m = request("PUT", TARGET, forger.signRequest("PUT", TARGET, BODY));
    assertRefused(() -> atB.verify(m, BODY), AuthFailureReason.BAD_SIGNATURE);
  }

  @Test
  void unknown_key_id_is_unknown_key() {
    HttpMessage m =
        request("PUT", TARGET, new HttpSigner(mallory, clock).signRequest("PUT", TARGET, BODY));
    assertRefused(() -> atB.verify(m, BODY), AuthFailureReason.UNKNOWN_KEY);
  }

  @Test
  void garbage_signature_fields_are_bad_signature() {
    HttpSigner.SignatureFields f = signerA.signRequest("PUT", TARGET, BODY);
    Map<String, List<String>> h = new HashMap<>(f.asHeaders());
    h.put("Signature", List.of("sig1=:not base64!:"));
    assertRefused(
        () -> atB.verify(HttpMessage.request("PUT", TARGET, h), BODY),
        AuthFailureReason.BAD_SIGNATURE);
    h.put("Signature", List.of("sig1=:AAAA:"));
    assertRefused(
        () -> atB.verify(HttpMessage.request("PUT", TARGET, h), BODY),
        AuthFailureReason.BAD_SIGNATURE);
  }

  @Test
  void wrong_alg_or_missing_component_is_bad_signature() {
    HttpSigner.SignatureFields f = signerA.signRequest("PUT", TARGET, BODY);
    Map<String, List<String>> h = new HashMap<>(f.asHeaders());
    h.put(
        "Signature-Input",
        List.of(f.signatureInput().replace("alg=\"ed25519\"", "alg=\"hmac-sha256\"")));
    assertRefused(
        () -> atB.verify(HttpMessage.request("PUT", TARGET, h), BODY),
        AuthFailureReason.BAD_SIGNATURE);
    // A validly signed message that does not cover @path.
    HttpSigner.SignatureFields partial =
        signerA.sign(
            HttpMessage.request("PUT", TARGET, Map.of()),
            BODY,
            List.of(PeerSignatureProfile.METHOD, PeerSignatureProfile.CONTENT_DIGEST));
    assertRefused(
        () -> atB.verify(request("PUT", TARGET, partial), BODY), AuthFailureReason.BAD_SIGNATURE);
  }

  @Test
  void tampered_body_is_digest_mismatch() {
    HttpMessage m = signedRequest();
    byte[] tampered = "{\"chunk\":3,\"data\":\"AAED\"}".getBytes(StandardCharsets.UTF_8);
    assertRefused(() -> atB.verify(m, tampered), AuthFailureReason.DIGEST_MISMATCH);
  }

  @Test
  void tampered_body_with_recomputed_digest_is_bad_signature() {
    byte[] tampered = "{\"chunk\":3,\"data\":\"AAED\"}".getBytes(StandardCharsets.UTF_8);
    HttpMessage m = signedRequest().withHeader("Content-Digest", ContentDigest.sha256(tampered));
    assertRefused(() -> atB.verify(m, tampered), AuthFailureReason.BAD_SIGNATURE);
  }

  @Test
  void missing_digest_is_digest_mismatch() {
    HttpSigner.SignatureFields f = signerA.signRequest("PUT", TARGET, BODY);
    Map<String, List<String>> h = new HashMap<>(f.asHeaders());
    h.remove("Content-Digest");
    assertRefused(
        () -> atB.verify(HttpMessage.request("PUT", TARGET, h), BODY),
        AuthFailureReason.DIGEST_MISMATCH);
  }

  @Test
  void tampered_path_query_or_method_is_bad_signature() {
    HttpSigner.SignatureFields f = signerA.signRequest("PUT", TARGET, BODY);
    URI otherPath =
        URI.create("http://b.example:8080/peer/v1/batches/2026-11-24/b1/chunks/4/verify1");
    URI withQuery = URI.create(TARGET + "?force=true");
    assertRefused(
        () -> atB.verify(request("PUT", otherPath, f), BODY), AuthFailureReason.BAD_SIGNATURE);
    assertRefused(
        () -> atB.verify(request("PUT", withQuery, f), BODY), AuthFailureReason.BAD_SIGNATURE);
    assertRefused(
        () -> atB.verify(request("POST", TARGET, f), BODY), AuthFailureReason.BAD_SIGNATURE);
  }

  @Test
  void old_or_future_created_is_stale() {
    HttpMessage m = signedRequest();
    clock.advance(Duration.ofSeconds(61));
    assertRefused(() -> atB.verify(m, BODY), AuthFailureReason.STALE);
    clock.advance(Duration.ofSeconds(-122));
    assertRefused(() -> atB.verify(m, BODY), AuthFailureReason.STALE);
  }

  @Test
  void within_the_window_is_accepted() throws Exception {
    HttpMessage m = signedRequest();
    clock.advance(Duration.ofSeconds(60));
    atB.verify(m, BODY);
  }

  @Test
  void second_delivery_is_replayed_and_a_refused_forgery_does_not_burn_the_nonce()
      throws Exception {
    HttpSigner.SignatureFields f = signerA.signRequest("PUT", TARGET, BODY);
    HttpMessage m = request("PUT", TARGET, f);
    // First a tampered copy with the same nonce: refused, and the nonce stays unused.
    assertRefused(() -> atB.verify(m, new byte[0]), AuthFailureReason.DIGEST_MISMATCH);
    atB.verify(m, BODY);
    assertRefused(() -> atB.verify(m, BODY), AuthFailureReason.REPLAYED);
    clock.advance(Duration.ofSeconds(30));
    assertRefused(() -> atB.verify(m, BODY), AuthFailureReason.REPLAYED);
    clock.advance(Duration.ofSeconds(31));
    assertRefused(() -> atB.verify(m, BODY), AuthFailureReason.STALE);
  }

  @Test
  void failures_are_counted_by_label() {
    HttpMessage unsigned = HttpMessage.request("PUT", TARGET, Map.of());
    assertRefused(() -> atB.verify(unsigned, BODY), AuthFailureReason.MISSING_SIGNATURE);
    assertRefused(
        () -> atB.verify(signedRequest(), new byte[0]), AuthFailureReason.DIGEST_MISMATCH);
    assertThat(failures.seen).containsExactly("missing_signature", "digest_mismatch");
  }

  @Test
  void expired_signature_is_stale() {
    HttpMessage base = HttpMessage.request("PUT", TARGET, Map.of());
    HttpSigner.SignatureFields f = signerA.sign(base, BODY, PeerSignatureProfile.REQUEST);
    String input = f.signatureInput() + ";expires=" + (clock.instant().getEpochSecond() - 1);
    // Re-sign with expires in the params to get a valid signature over them.
    Map<String, List<String>> h = new HashMap<>(f.asHeaders());
    h.put("Signature-Input", List.of(input));
    HttpMessage withInput = HttpMessage.request("PUT", TARGET, h);
    InnerList in = (InnerList) new Parser(input).parseDictionary().get().get("sig1");
    byte[] sig = a.sign(SignatureBase.bytes(SignatureBase.build(in, withInput)));
    h.put("Signature", List.of("sig1=:" + java.util.Base64.getEncoder().encodeToString(sig) + ":"));
    assertRefused(
        () -> atB.verify(HttpMessage.request("PUT", TARGET, h), BODY), AuthFailureReason.STALE);
  }

  // ---------------------------------------------------------------- responses

  HttpMessage response(int status, byte[] body, HttpMessage request, HttpSigner signer) {
    return HttpMessage.response(
        status, signer.signResponse(status, body, request).asHeaders(), request);
  }

  @Test
  void response_round_trip_is_bound_to_its_request() throws Exception {
    HttpMessage req = signedRequest();
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    HttpMessage res = response(200, body, req, signerB);
    assertThat(res.firstHeader("Signature-Input"))
        .startsWith(
            "sig1=(\"@status\" \"content-digest\" \"@method\";req \"@path\";req \"@query\";req \"signature\";key=\"sig1\";req)");
    atA.verify(res, body);
  }

  @Test
  void response_to_another_request_is_refused() {
    HttpMessage req1 = signedRequest();
    HttpMessage req2 = signedRequest();
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    HttpMessage answerTo1 = response(200, body, req1, signerB);
    // The same response fields presented as the answer to request 2 (same method and path, other
    // nonce).
    HttpMessage replayed = HttpMessage.response(200, answerTo1.headers(), req2);
    assertRefused(() -> atA.verify(replayed, body), AuthFailureReason.BAD_SIGNATURE);
  }

  @Test
  void response_forged_by_a_third_party_is_refused() {
    HttpMessage req = signedRequest();
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    HttpSigner thirdParty = new HttpSigner(mallory, clock);
    assertRefused(
        () -> atA.verify(response(200, body, req, thirdParty), body),
        AuthFailureReason.UNKNOWN_KEY);
    HttpSigner impostor =
        new HttpSigner(new Ed25519Keys.SigningKey("server-b-1", mallory.privateKey()), clock);
    assertRefused(
        () -> atA.verify(response(200, body, req, impostor), body),
        AuthFailureReason.BAD_SIGNATURE);
    assertRefused(
        () -> atA.verify(HttpMessage.response(200, Map.of(), req), body),
        AuthFailureReason.MISSING_SIGNATURE);
  }

  @Test
  void response_with_tampered_status_or_body_is_refused() {
    HttpMessage req = signedRequest();
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    HttpMessage res = response(409, body, req, signerB);
    assertRefused(
        () -> atA.verify(HttpMessage.response(200, res.headers(), req), body),
        AuthFailureReason.BAD_SIGNATURE);
    assertRefused(
        () -> atA.verify(res, "{\"ok\":false}".getBytes(StandardCharsets.UTF_8)),
        AuthFailureReason.DIGEST_MISMATCH);
  }

  @Test
  void a_response_that_is_not_bound_to_the_request_signature_is_refused_by_a() {
    HttpMessage unsignedReq = HttpMessage.request("PUT", TARGET, Map.of());
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    HttpMessage res = response(401, body, unsignedReq, signerB);
    assertThat(res.firstHeader("Signature-Input")).doesNotContain("\"signature\"");
    // A always signs, so it always requires the binding.
    assertRefused(
        () -> atA.verify(HttpMessage.response(401, res.headers(), signedRequest()), body),
        AuthFailureReason.BAD_SIGNATURE);
  }

  @Test
  void redacted_to_strings() {
    assertThat(a.toString()).doesNotContain(TestKeys.privateBase64(a)).contains("redacted");
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("old", TestKeys.publicBase64(b));
    PeerAuthProperties p =
        new PeerAuthProperties(
            false,
            "k",
            TestKeys.privateBase64(a),
            "p",
            TestKeys.publicBase64(b),
            extra,
            Duration.ofSeconds(60),
            10,
            true,
            OperatorTokenFilter.hash("tok"),
            false);
    assertThat(p.toString())
        .doesNotContain(TestKeys.privateBase64(a))
        .doesNotContain(OperatorTokenFilter.hash("tok"));
  }

  interface Call {
    void run() throws Exception;
  }

  static void assertRefused(Call call, AuthFailureReason reason) {
    assertThatThrownBy(call::run)
        .isInstanceOf(PeerAuthException.class)
        .satisfies(e -> assertThat(((PeerAuthException) e).reason()).isEqualTo(reason));
  }
}
