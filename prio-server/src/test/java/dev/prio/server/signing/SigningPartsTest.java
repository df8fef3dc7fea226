package dev.prio.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.greenbytes.http.sfv.BooleanItem;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.DecimalItem;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.IntegerItem;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.StringItem;
import org.greenbytes.http.sfv.TokenItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured fields, Content-Digest, the nonce cache, path normalisation, key parsing,
 * configuration checks.
 */
class SigningPartsTest {

  // ---------------------------------------------------------------- structured fields (the
  // library, as we use it)

  static Map<String, ListElement<? extends Object>> dict(String text) {
    return Sfv.dictionary(text).orElseThrow(() -> new AssertionError("does not parse: " + text));
  }

  @Test
  void dictionary_round_trips_canonically() {
    String text =
        "sig1=(\"@method\" \"@path\";req \"signature\";key=\"sig1\";req);created=1618884473;keyid=\"k\\\"1\""
            + ";alg=\"ed25519\";nonce=\"n\", flag, tok=abc/def:1;q=0.5, b=:AAEC:;x=?0";
    Map<String, ListElement<? extends Object>> d = dict(text);
    assertThat(d.keySet()).containsExactly("sig1", "flag", "tok", "b");
    InnerList l = (InnerList) d.get("sig1");
    assertThat(l.get()).hasSize(3);
    Component signature =
        new Component(((StringItem) l.get().get(2)).get(), l.get().get(2).getParams());
    assertThat(signature.stringParam("key")).isEqualTo("sig1");
    assertThat(signature.fromRequest()).isTrue();
    assertThat(signature).isEqualTo(PeerSignatureProfile.REQUEST_SIGNATURE);
    assertThat(((IntegerItem) l.getParams().get("created")).get()).isEqualTo(1618884473L);
    assertThat(((StringItem) l.getParams().get("keyid")).get()).isEqualTo("k\"1");
    assertThat(l.getParams().keySet()).containsExactly("created", "keyid", "alg", "nonce");
    assertThat(d.get("flag")).isInstanceOf(BooleanItem.class);
    assertThat(d.get("tok")).isInstanceOf(TokenItem.class);
    assertThat(((TokenItem) d.get("tok")).get()).isEqualTo("abc/def:1");
    assertThat(((DecimalItem) d.get("tok").getParams().get("q")).get())
        .isEqualByComparingTo(new BigDecimal("0.5"));
    assertThat(Sfv.bytes((ByteSequenceItem) d.get("b"))).containsExactly(0, 1, 2);
    assertThat(Dictionary.valueOf(d).serialize()).isEqualTo(text);
  }

  @Test
  void whitespace_around_members_is_tolerated_and_normalised() {
    assertThat(Dictionary.valueOf(dict("  a=1 ,\tb=( \"x\"  \"y\" )")).serialize())
        .isEqualTo("a=1, b=(\"x\" \"y\")");
  }

  @Test
  void malformed_dictionaries_are_refused() {
    for (String bad :
        List.of(
            "a=",
            "A=1",
            "a=1,",
            "a=\"unterminated",
            "a=(\"x\"",
            "a=:!!:",
            "a=1 b=2",
            "a=\"\\n\"",
            "a=1234567890123456",
            "a=?2",
            "\ta=1",
            "a=\"\u00e9\"")) {
      assertThat(Sfv.dictionary(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void strings_that_cannot_be_serialised_are_refused() {
    assertThatThrownBy(() -> StringItem.valueOf("tab\there").serialize())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StringItem.valueOf("\u00e9").serialize())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signature_params_keep_the_order_they_were_received_in() {
    // RFC 9421 §2.3: the base's last line must be the received inner list, byte for byte.
    String inner =
        "(\"content-digest\" \"@method\";req);nonce=\"n\";alg=\"ed25519\";keyid=\"k\";created=1;expires=2";
    InnerList l = (InnerList) dict("sig1=" + inner).get("sig1");
    HttpMessage req = HttpMessage.request("PUT", HttpSignatureTest.TARGET, Map.of());
    HttpMessage res =
        HttpMessage.response(
            200, Map.of("Content-Digest", List.of(ContentDigest.sha256(new byte[0]))), req);
    assertThat(SignatureBase.build(l, res))
        .endsWith("\n\"@signature-params\": " + inner)
        .startsWith("\"content-digest\": sha-256=:");
  }

  @Test
  void key_selects_a_dictionary_member_as_its_canonical_serialisation() {
    HttpMessage m =
        HttpMessage.request(
            "GET",
            HttpSignatureTest.TARGET,
            Map.of("Example-Dict", List.of(" a=1,   b=2;x=1;y=2, c=(a   b c), d")));
    Component field = Component.of("example-dict");
    assertThat(SignatureBase.value(field.with("key", "a"), m)).isEqualTo("1");
    assertThat(SignatureBase.value(field.with("key", "b"), m)).isEqualTo("2;x=1;y=2");
    assertThat(SignatureBase.value(field.with("key", "c"), m)).isEqualTo("(a b c)");
    assertThat(SignatureBase.value(field.with("key", "d"), m)).isEqualTo("?1");
    assertThatThrownBy(() -> SignatureBase.value(field.with("key", "z"), m))
        .isInstanceOf(SignatureBase.ComponentException.class)
        .hasMessageContaining("no member");
    assertThatThrownBy(() -> SignatureBase.value(field.with("key", TokenItem.valueOf("a")), m))
        .isInstanceOf(SignatureBase.ComponentException.class)
        .hasMessageContaining(";key must be a string");
    HttpMessage notDict =
        HttpMessage.request("GET", HttpSignatureTest.TARGET, Map.of("Example-Dict", List.of("(")));
    assertThatThrownBy(() -> SignatureBase.value(field.with("key", "a"), notDict))
        .isInstanceOf(SignatureBase.ComponentException.class)
        .hasMessageContaining("is not a dictionary");
    assertThatThrownBy(() -> SignatureBase.value(field.with("sf", true), m))
        .isInstanceOf(SignatureBase.ComponentException.class)
        .hasMessageContaining("unsupported component parameter ;sf");
  }

  @Test
  void component_equality_ignores_parameter_order() {
    Component a = Component.of("signature").with("key", "sig1").req();
    Component b = Component.of("signature").req().with("key", "sig1");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.identifier()).isEqualTo("\"signature\";key=\"sig1\";req");
    assertThat(b.identifier()).isEqualTo("\"signature\";req;key=\"sig1\"");
    assertThat(a)
        .isNotEqualTo(Component.of("signature").with("key", TokenItem.valueOf("sig1")).req());
    assertThat(Component.of("@method").with("req", false).fromRequest()).isFalse();
  }

  // ---------------------------------------------------------------- content digest

  @Test
  void content_digest_of_empty_and_non_empty_bodies() {
    assertThat(ContentDigest.sha256(new byte[0]))
        .isEqualTo("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    byte[] body = "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8);
    String d = ContentDigest.sha256(body);
    assertThat(ContentDigest.matchesSha256(d, body)).isTrue();
    assertThat(
            ContentDigest.matchesSha256(
                d, "{\"hello\": \"World\"}".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    // Other algorithms alongside are ignored; sha-256 must be there.
    assertThat(ContentDigest.matchesSha256(ContentDigest.of("sha-512", body) + ", " + d, body))
        .isTrue();
    assertThat(ContentDigest.matchesSha256(ContentDigest.of("sha-512", body), body)).isFalse();
    assertThat(ContentDigest.matchesSha256("sha-256=\"not bytes\"", body)).isFalse();
    assertThat(ContentDigest.matchesSha256("garbage(", body)).isFalse();
    assertThat(ContentDigest.matchesSha256(null, body)).isFalse();
  }

  // ---------------------------------------------------------------- nonce cache

  @Test
  void nonces_are_remembered_until_they_could_not_pass_the_clock_check() {
    NonceCache c = new NonceCache(10);
    assertThat(c.checkAndRecord("k", "n1", 100, 160, 100)).isTrue();
    assertThat(c.checkAndRecord("k", "n1", 100, 160, 159)).isFalse();
    assertThat(c.checkAndRecord("other", "n1", 100, 160, 100)).isTrue();
    assertThat(c.checkAndRecord("k", "n1", 100, 160, 161))
        .isTrue(); // would be stale anyway; verifier refuses first
  }

  @Test
  void a_full_cache_never_lets_a_replay_through() {
    NonceCache c = new NonceCache(3);
    for (int i = 0; i < 3; i++) {
      assertThat(c.checkAndRecord("k", "n" + i, 100 + i, 160 + i, 100)).isTrue();
    }
    assertThat(c.checkAndRecord("k", "n3", 103, 163, 100)).isTrue(); // evicts n0 (created 100)
    assertThat(c.size()).isEqualTo(3);
    assertThat(c.checkAndRecord("k", "n0", 100, 160, 100))
        .isFalse(); // evicted, but below the floor
    assertThat(c.checkAndRecord("k", "n4", 104, 164, 100)).isTrue();
  }

  @Test
  void expired_entries_make_room_without_raising_the_floor() {
    NonceCache c = new NonceCache(2);
    assertThat(c.checkAndRecord("k", "a", 100, 160, 100)).isTrue();
    assertThat(c.checkAndRecord("k", "b", 101, 161, 100)).isTrue();
    assertThat(c.checkAndRecord("k", "c", 200, 260, 200)).isTrue(); // a and b expired: purged
    assertThat(c.checkAndRecord("k", "d", 150, 210, 200)).isTrue(); // no floor was raised
  }

  // ---------------------------------------------------------------- paths

  @Test
  void paths_are_normalised_as_routing_sees_them() {
    assertThat(RequestPaths.normalize("/%70eer/v1")).isEqualTo("/peer/v1");
    assertThat(RequestPaths.normalize("//batches///x/")).isEqualTo("/batches/x");
    assertThat(RequestPaths.normalize("/batches;jsessionid=1/x;y")).isEqualTo("/batches/x");
    assertThat(RequestPaths.normalize("/a/./b/../../batches")).isEqualTo("/batches");
    assertThat(RequestPaths.normalize("/../../batches")).isEqualTo("/batches");
    assertThat(RequestPaths.isUnder("/peer", "/peer")).isTrue();
    assertThat(RequestPaths.isUnder("/peer/v1", "/peer")).isTrue();
    assertThat(RequestPaths.isUnder("/peerx", "/peer")).isFalse();
  }

  // ---------------------------------------------------------------- keys

  @Test
  void bad_keys_are_refused_without_echoing_them() {
    for (String bad :
        List.of(
            "not-a-key!",
            "AAAA",
            HexFormat.of().formatHex(new byte[31]),
            Base64.getEncoder().encodeToString(new byte[40]))) {
      assertThatThrownBy(() -> Ed25519Keys.parsePrivate(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining(bad);
      assertThatThrownBy(() -> Ed25519Keys.parsePublic(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining(bad);
    }
    // An RSA SPKI is well-formed but not Ed25519.
    assertThatThrownBy(() -> Ed25519Keys.parsePublic(Rfc9421AppendixBTest.RSA_PSS_PUBLIC))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keys_can_come_from_mounted_files(@TempDir Path dir) throws Exception {
    Ed25519Keys.SigningKey k = TestKeys.generate("k");
    Path priv = Files.writeString(dir.resolve("private.key"), TestKeys.privateBase64(k) + "\n");
    assertThat(Ed25519Keys.parsePrivate("file:" + priv).getEncoded())
        .isEqualTo(k.privateKey().getEncoded());
    assertThatThrownBy(() -> Ed25519Keys.parsePrivate("file:" + dir.resolve("missing")))
        .hasMessageContaining("cannot read");
  }

  @Test
  void sixty_four_byte_seed_and_public_form_is_accepted_only_when_consistent() {
    Ed25519Keys.SigningKey k = TestKeys.generate("k");
    byte[] both = new byte[64];
    System.arraycopy(k.privateKey().getEncoded(), 0, both, 0, 32);
    System.arraycopy(k.publicKey().getEncoded(), 0, both, 32, 32);
    assertThat(Ed25519Keys.parsePrivate(Base64.getEncoder().encodeToString(both)).getEncoded())
        .isEqualTo(k.privateKey().getEncoded());
    both[63] ^= 1;
    assertThatThrownBy(() -> Ed25519Keys.parsePrivate(Base64.getEncoder().encodeToString(both)))
        .hasMessageContaining("does not match");
  }

  // ---------------------------------------------------------------- configuration

  static PeerAuthProperties props(
      String keyId,
      String priv,
      String peerKeyId,
      String peerPub,
      Map<String, String> extra,
      String tokenHash,
      boolean signingDisabled,
      boolean tokenDisabled) {
    return new PeerAuthProperties(
        signingDisabled,
        keyId,
        priv,
        peerKeyId,
        peerPub,
        extra,
        Duration.ofSeconds(60),
        100,
        true,
        tokenHash,
        tokenDisabled);
  }

  @Test
  void key_ids_default_to_fingerprints_and_rotation_keys_are_trusted() throws Exception {
    Ed25519Keys.SigningKey a = TestKeys.generate("ignored");
    Ed25519Keys.SigningKey bOld = TestKeys.generate("b-old");
    Ed25519Keys.SigningKey bNew = TestKeys.generate("b-new");
    PeerAuth atA =
        PeerAuth.from(
            props(
                null,
                TestKeys.privateBase64(a),
                "b-new",
                TestKeys.publicBase64(bNew),
                Map.of("b-old", TestKeys.publicBase64(bOld)),
                null,
                false,
                true),
            Clock.systemUTC(),
            r -> {});
    assertThat(atA.signer().keyId())
        .isEqualTo(Ed25519Keys.fingerprint(a.publicKey()))
        .matches("ed25519-[0-9a-f]{16}");
    // B, still on its old key during a rotation, is accepted by A.
    PeerAuth atB =
        PeerAuth.from(
            props(
                "b-old",
                TestKeys.privateBase64(bOld),
                null,
                TestKeys.publicBase64(a),
                null,
                null,
                false,
                true),
            Clock.systemUTC(),
            r -> {});
    assertThat(atA.signingEnabled()).isTrue();
    assertThat(atA.operatorTokenEnabled()).isFalse();
    HttpMessage req =
        HttpMessage.request(
            "PUT",
            HttpSignatureTest.TARGET,
            atA.signer().signRequest("PUT", HttpSignatureTest.TARGET, new byte[0]).asHeaders());
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    HttpMessage res =
        HttpMessage.response(200, atB.signer().signResponse(200, body, req).asHeaders(), req);
    new HttpVerifier(
            Map.of("b-old", bOld.publicKey(), "b-new", bNew.publicKey()),
            PeerSignatureProfile.RESPONSE,
            Duration.ofSeconds(60),
            new NonceCache(10),
            Clock.systemUTC(),
            r -> {})
        .verify(res, body);
  }

  @Test
  void safe_defaults_refuse_a_half_configured_server() {
    Ed25519Keys.SigningKey a = TestKeys.generate("a");
    Ed25519Keys.SigningKey b = TestKeys.generate("b");
    String hash = OperatorTokenFilter.hash("t");
    assertThatThrownBy(
            () ->
                PeerAuth.from(
                    props("a", TestKeys.privateBase64(a), "b", null, null, hash, false, false),
                    Clock.systemUTC(),
                    r -> {}))
        .hasMessageContaining("prio.peer-auth.peer-public-key is required");
    assertThatThrownBy(
            () ->
                PeerAuth.from(
                    props(
                        "a",
                        TestKeys.privateBase64(a),
                        "b",
                        TestKeys.publicBase64(b),
                        null,
                        "xyz",
                        false,
                        false),
                    Clock.systemUTC(),
                    r -> {}))
        .hasMessageContaining("operator-token-sha256")
        .hasMessageNotContaining("xyz");
    assertThatThrownBy(
            () ->
                PeerAuth.from(
                    props(
                        "a",
                        TestKeys.publicBase64(b) + "!",
                        "b",
                        TestKeys.publicBase64(b),
                        null,
                        hash,
                        false,
                        false),
                    Clock.systemUTC(),
                    r -> {}))
        .hasMessageContaining("prio.peer-auth.private-key")
        .hasMessageNotContaining(TestKeys.publicBase64(b));
    PeerAuth off =
        PeerAuth.from(
            props(null, null, null, null, null, null, true, true), Clock.systemUTC(), r -> {});
    assertThat(off.signingEnabled()).isFalse();
    assertThat(off.peerFilter()).isNull();
    assertThat(off.operatorFilter()).isNull();
    assertThat(off.clientInterceptor()).isNotNull();
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("x", "bad");
    assertThatThrownBy(
            () ->
                PeerAuth.from(
                    props(
                        "a",
                        TestKeys.privateBase64(a),
                        "b",
                        TestKeys.publicBase64(b),
                        extra,
                        hash,
                        false,
                        false),
                    Clock.systemUTC(),
                    r -> {}))
        .hasMessageContaining("extra-peer-public-keys[x]");
  }
}
