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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structured fields, Content-Digest, the nonce cache, path normalisation, key parsing, configuration checks. */
class SigningPartsTest {

  // ---------------------------------------------------------------- structured fields

  @Test
  void dictionary_round_trips_canonically() throws Exception {
    String text = "sig1=(\"@method\" \"@path\";req \"signature\";key=\"sig1\";req);created=1618884473;keyid=\"k\\\"1\""
        + ";alg=\"ed25519\";nonce=\"n\", flag, tok=abc/def:1;q=0.5, b=:AAEC:;x=?0";
    Map<String, StructuredFields.Member> d = StructuredFields.parseDictionary(text);
    assertThat(d.keySet()).containsExactly("sig1", "flag", "tok", "b");
    StructuredFields.InnerList l = (StructuredFields.InnerList) d.get("sig1");
    assertThat(l.items()).hasSize(3);
    assertThat(l.items().get(2).params()).containsEntry("key", "sig1").containsEntry("req", true);
    assertThat(l.params()).containsEntry("created", 1618884473L).containsEntry("keyid", "k\"1");
    assertThat(((StructuredFields.Item) d.get("tok")).value()).isEqualTo(new StructuredFields.Token("abc/def:1"));
    assertThat(((StructuredFields.Item) d.get("tok")).params()).containsEntry("q", new BigDecimal("0.5"));
    assertThat(((StructuredFields.Item) d.get("b")).value()).isEqualTo(new StructuredFields.ByteSequence(new byte[] {0, 1, 2}));
    assertThat(StructuredFields.serializeDictionary(d)).isEqualTo(text);
  }

  @Test
  void whitespace_around_members_is_tolerated_and_normalised() throws Exception {
    Map<String, StructuredFields.Member> d = StructuredFields.parseDictionary("  a=1 ,\tb=( \"x\"  \"y\" )");
    assertThat(StructuredFields.serializeDictionary(d)).isEqualTo("a=1, b=(\"x\" \"y\")");
  }

  @Test
  void malformed_dictionaries_are_refused() {
    for (String bad : List.of("a=", "A=1", "a=1,", "a=\"unterminated", "a=(\"x\"", "a=:!!:", "a=1 b=2", "a=\"\\n\"",
        "a=1234567890123456", "a=?2")) {
      assertThatThrownBy(() -> StructuredFields.parseDictionary(bad)).as(bad)
          .isInstanceOf(StructuredFields.ParseException.class);
    }
  }

  @Test
  void strings_that_cannot_be_serialised_are_refused() {
    assertThatThrownBy(() -> StructuredFields.serializeItem(StructuredFields.Item.of("tab\there")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StructuredFields.serializeItem(StructuredFields.Item.of("é")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- content digest

  @Test
  void content_digest_of_empty_and_non_empty_bodies() {
    assertThat(ContentDigest.sha256(new byte[0])).isEqualTo("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    byte[] body = "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8);
    String d = ContentDigest.sha256(body);
    assertThat(ContentDigest.matchesSha256(d, body)).isTrue();
    assertThat(ContentDigest.matchesSha256(d, "{\"hello\": \"World\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
    // Other algorithms alongside are ignored; sha-256 must be there.
    assertThat(ContentDigest.matchesSha256(ContentDigest.of("sha-512", body) + ", " + d, body)).isTrue();
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
    assertThat(c.checkAndRecord("k", "n1", 100, 160, 161)).isTrue(); // would be stale anyway; verifier refuses first
  }

  @Test
  void a_full_cache_never_lets_a_replay_through() {
    NonceCache c = new NonceCache(3);
    for (int i = 0; i < 3; i++) {
      assertThat(c.checkAndRecord("k", "n" + i, 100 + i, 160 + i, 100)).isTrue();
    }
    assertThat(c.checkAndRecord("k", "n3", 103, 163, 100)).isTrue(); // evicts n0 (created 100)
    assertThat(c.size()).isEqualTo(3);
    assertThat(c.checkAndRecord("k", "n0", 100, 160, 100)).isFalse(); // evicted, but below the floor
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
    for (String bad : List.of("not-a-key!", "AAAA", HexFormat.of().formatHex(new byte[31]),
        Base64.getEncoder().encodeToString(new byte[40]))) {
      assertThatThrownBy(() -> Ed25519Keys.parsePrivate(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining(bad);
      assertThatThrownBy(() -> Ed25519Keys.parsePublic(bad)).isInstanceOf(IllegalArgumentException.class)
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
    assertThat(Ed25519Keys.parsePrivate("file:" + priv).getEncoded()).isEqualTo(k.privateKey().getEncoded());
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

  static PeerAuthProperties props(String keyId, String priv, String peerKeyId, String peerPub, Map<String, String> extra,
      String tokenHash, boolean signingDisabled, boolean tokenDisabled) {
    return new PeerAuthProperties(signingDisabled, keyId, priv, peerKeyId, peerPub, extra, Duration.ofSeconds(60), 100,
        true, tokenHash, tokenDisabled);
  }

  @Test
  void key_ids_default_to_fingerprints_and_rotation_keys_are_trusted() throws Exception {
    Ed25519Keys.SigningKey a = TestKeys.generate("ignored");
    Ed25519Keys.SigningKey bOld = TestKeys.generate("b-old");
    Ed25519Keys.SigningKey bNew = TestKeys.generate("b-new");
    PeerAuth atA = PeerAuth.from(props(null, TestKeys.privateBase64(a), "b-new", TestKeys.publicBase64(bNew),
        Map.of("b-old", TestKeys.publicBase64(bOld)), null, false, true), Clock.systemUTC(), r -> {});
    assertThat(atA.signer().keyId()).isEqualTo(Ed25519Keys.fingerprint(a.publicKey())).matches("ed25519-[0-9a-f]{16}");
    // B, still on its old key during a rotation, is accepted by A.
    PeerAuth atB = PeerAuth.from(props("b-old", TestKeys.privateBase64(bOld), null, TestKeys.publicBase64(a),
        null, null, false, true), Clock.systemUTC(), r -> {});
    assertThat(atA.signingEnabled()).isTrue();
    assertThat(atA.operatorTokenEnabled()).isFalse();
    HttpMessage req = HttpMessage.request("PUT", HttpSignatureTest.TARGET,
        atA.signer().signRequest("PUT", HttpSignatureTest.TARGET, new byte[0]).asHeaders());
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    HttpMessage res = HttpMessage.response(200, atB.signer().signResponse(200, body, req).asHeaders(), req);
    new HttpVerifier(Map.of("b-old", bOld.publicKey(), "b-new", bNew.publicKey()), PeerSignatureProfile.RESPONSE,
        Duration.ofSeconds(60), new NonceCache(10), Clock.systemUTC(), r -> {}).verify(res, body);
  }

  @Test
  void safe_defaults_refuse_a_half_configured_server() {
    Ed25519Keys.SigningKey a = TestKeys.generate("a");
    Ed25519Keys.SigningKey b = TestKeys.generate("b");
    String hash = OperatorTokenFilter.hash("t");
    assertThatThrownBy(() -> PeerAuth.from(props("a", TestKeys.privateBase64(a), "b", null, null, hash, false, false),
        Clock.systemUTC(), r -> {})).hasMessageContaining("prio.peer-auth.peer-public-key is required");
    assertThatThrownBy(() -> PeerAuth.from(props("a", TestKeys.privateBase64(a), "b", TestKeys.publicBase64(b), null,
        "xyz", false, false), Clock.systemUTC(), r -> {})).hasMessageContaining("operator-token-sha256")
        .hasMessageNotContaining("xyz");
    assertThatThrownBy(() -> PeerAuth.from(props("a", TestKeys.publicBase64(b) + "!", "b", TestKeys.publicBase64(b), null,
        hash, false, false), Clock.systemUTC(), r -> {})).hasMessageContaining("prio.peer-auth.private-key")
        .hasMessageNotContaining(TestKeys.publicBase64(b));
    PeerAuth off = PeerAuth.from(props(null, null, null, null, null, null, true, true), Clock.systemUTC(), r -> {});
    assertThat(off.signingEnabled()).isFalse();
    assertThat(off.peerFilter()).isNull();
    assertThat(off.operatorFilter()).isNull();
    assertThat(off.clientInterceptor()).isNotNull();
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("x", "bad");
    assertThatThrownBy(() -> PeerAuth.from(props("a", TestKeys.privateBase64(a), "b", TestKeys.publicBase64(b), extra,
        hash, false, false), Clock.systemUTC(), r -> {})).hasMessageContaining("extra-peer-public-keys[x]");
  }
}
