package dev.prio.server.signing;

import java.util.Map;

/**
 * For tests that run real servers (e.g. the pair tests): a fresh Ed25519 key per server and the
 * {@code prio.peer-auth.*} properties each side needs, plus an operator token.
 *
 * <pre>{@code
 * PeerAuthTestSupport auth = PeerAuthTestSupport.generate();
 * props.putAll(auth.propertiesFor(role == ServerId.A));            // in each server's properties
 * request.header("Authorization", PeerAuthTestSupport.BEARER);     // on operator API calls
 * }</pre>
 */
public final class PeerAuthTestSupport {
  public static final String OPERATOR_TOKEN = "test-operator-token";
  public static final String BEARER = "Bearer " + OPERATOR_TOKEN;

  private final Ed25519Keys.SigningKey a;
  private final Ed25519Keys.SigningKey b;

  private PeerAuthTestSupport(Ed25519Keys.SigningKey a, Ed25519Keys.SigningKey b) {
    this.a = a;
    this.b = b;
  }

  public static PeerAuthTestSupport generate() {
    return new PeerAuthTestSupport(
        TestKeys.generate("server-a-test"), TestKeys.generate("server-b-test"));
  }

  /** Server A's (true) or server B's (false) {@code prio.peer-auth.*} properties. */
  public Map<String, String> propertiesFor(boolean serverA) {
    return serverA
        ? TestKeys.properties(a, b, OPERATOR_TOKEN)
        : TestKeys.properties(b, a, OPERATOR_TOKEN);
  }

  /**
   * Signs a peer request as server A would (for tests that call B's {@code /peer} API directly):
   * calls {@code header} with Content-Digest, Signature-Input and Signature.
   */
  public void signAsA(
      String method,
      java.net.URI uri,
      byte[] body,
      java.util.function.BiConsumer<String, String> header) {
    new HttpSigner(a, java.time.Clock.systemUTC()).signRequest(method, uri, body).applyTo(header);
  }

  /**
   * Signs a response as server B would, bound to {@code request} (for a fault proxy that injects an
   * answer that must count as B's own word, e.g. a permanent refusal).
   */
  public void signAsB(
      int status,
      byte[] body,
      HttpMessage request,
      java.util.function.BiConsumer<String, String> header) {
    new HttpSigner(b, java.time.Clock.systemUTC())
        .signResponse(status, body, request)
        .applyTo(header);
  }

  /** The private keys, base64, so a log scan can look for them. */
  public String[] secrets() {
    return new String[] {TestKeys.privateBase64(a), TestKeys.privateBase64(b), OPERATOR_TOKEN};
  }

  @Override
  public String toString() {
    return "PeerAuthTestSupport[keys redacted]";
  }
}
