package dev.prio.server.signing;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/** Fresh Ed25519 keys and a settable clock for the signing tests. */
final class TestKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestKeys() {}

  static Ed25519Keys.SigningKey generate(String keyId) {
    return new Ed25519Keys.SigningKey(keyId, new Ed25519PrivateKeyParameters(RANDOM));
  }

  static String privateBase64(Ed25519Keys.SigningKey k) {
    return Base64.getEncoder().encodeToString(k.privateKey().getEncoded());
  }

  static String publicBase64(Ed25519Keys.SigningKey k) {
    return Base64.getEncoder().encodeToString(k.publicKey().getEncoded());
  }

  static Map<String, Ed25519PublicKeyParameters> keys(Ed25519Keys.SigningKey... ks) {
    Map<String, Ed25519PublicKeyParameters> m = new HashMap<>();
    for (Ed25519Keys.SigningKey k : ks) {
      m.put(k.keyId(), k.publicKey());
    }
    return m;
  }

  /**
   * {@code prio.peer-auth.*} properties for a server holding {@code own} and trusting {@code
   * peer}'s public key, plus an operator token hash — the lines a two-server test adds to each
   * context.
   */
  static Map<String, String> properties(
      Ed25519Keys.SigningKey own, Ed25519Keys.SigningKey peer, String operatorToken) {
    Map<String, String> p = new HashMap<>();
    p.put("prio.peer-auth.key-id", own.keyId());
    p.put("prio.peer-auth.private-key", privateBase64(own));
    p.put("prio.peer-auth.peer-key-id", peer.keyId());
    p.put("prio.peer-auth.peer-public-key", publicBase64(peer));
    p.put("prio.peer-auth.operator-token-sha256", OperatorTokenFilter.hash(operatorToken));
    return p;
  }

  /** Records the failure reasons a verifier reports (stands in for the metric). */
  static final class Failures implements java.util.function.Consumer<String> {
    final List<String> seen = new ArrayList<>();

    @Override
    public synchronized void accept(String reason) {
      seen.add(reason);
    }
  }
}
