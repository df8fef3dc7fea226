package dev.prio.server.signing;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * Everything peer and operator authentication needs, built once from {@link PeerAuthProperties}:
 * the signer, the request verifier (B's filter) and response verifier (A's interceptor) with their
 * own nonce caches, and the operator token hash. Hands out the three integration pieces.
 */
public final class PeerAuth {
  private static final Logger log = LoggerFactory.getLogger(PeerAuth.class);

  private final boolean signingEnabled;
  private final HttpSigner signer;
  private final HttpVerifier requestVerifier;
  private final HttpVerifier responseVerifier;
  private final boolean passUnsignedRetryable;
  private final String operatorTokenSha256;
  private final long maxBodyBytes;

  private PeerAuth(
      boolean signingEnabled,
      HttpSigner signer,
      HttpVerifier requestVerifier,
      HttpVerifier responseVerifier,
      boolean passUnsignedRetryable,
      String operatorTokenSha256,
      long maxBodyBytes) {
    this.signingEnabled = signingEnabled;
    this.signer = signer;
    this.requestVerifier = requestVerifier;
    this.responseVerifier = responseVerifier;
    this.passUnsignedRetryable = passUnsignedRetryable;
    this.operatorTokenSha256 = operatorTokenSha256;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Validates the properties and builds the pieces. Throws {@link IllegalStateException} (naming
   * properties, never values) when something required is missing or unreadable.
   *
   * @param failures called with the reason label of every refused message (the metric)
   */
  public static PeerAuth from(PeerAuthProperties p, Clock clock, Consumer<String> failures) {
    return from(p, clock, failures, BoundedBody.MIN_LIMIT);
  }

  /**
   * As above; {@code derivedMaxBodyBytes} is the body limit used when {@code
   * prio.peer-auth.max-body-size} is unset.
   */
  public static PeerAuth from(
      PeerAuthProperties p, Clock clock, Consumer<String> failures, long derivedMaxBodyBytes) {
    long maxBody = p.maxBodySize() == null ? derivedMaxBodyBytes : p.maxBodySize().toBytes();
    if (maxBody < 1) {
      throw new IllegalStateException("prio.peer-auth.max-body-size must be positive");
    }
    String tokenHash = null;
    if (p.operatorTokenDisabled()) {
      log.warn(
          "prio.peer-auth.operator-token-disabled=true: the operator API is open to anyone who can reach it");
    } else {
      if (p.operatorTokenSha256() == null || p.operatorTokenSha256().isBlank()) {
        throw new IllegalStateException(
            "prio.peer-auth.operator-token-sha256 is required "
                + "(or prio.peer-auth.operator-token-disabled=true for a local demo)");
      }
      try {
        tokenHash = Ed25519Keys.resolve(p.operatorTokenSha256(), "operator token hash");
        OperatorTokenFilter.parseHash(tokenHash);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("prio.peer-auth.operator-token-sha256: " + e.getMessage());
      }
    }
    if (p.signingDisabled()) {
      log.warn("prio.peer-auth.signing-disabled=true: peer traffic is neither signed nor verified");
      return new PeerAuth(
          false, null, null, null, p.passUnsignedRetryableResponses(), tokenHash, maxBody);
    }
    if (p.clockSkew().isNegative() || p.clockSkew().toSeconds() < 1) {
      throw new IllegalStateException("prio.peer-auth.clock-skew must be at least 1s");
    }
    if (p.nonceCacheSize() < 1) {
      throw new IllegalStateException("prio.peer-auth.nonce-cache-size must be positive");
    }
    Ed25519PrivateKeyParameters own = privateKey("prio.peer-auth.private-key", p.privateKey());
    String ownId =
        blank(p.keyId()) ? Ed25519Keys.fingerprint(own.generatePublicKey()) : p.keyId().trim();
    Map<String, Ed25519PublicKeyParameters> peers = new LinkedHashMap<>();
    Ed25519PublicKeyParameters peer =
        publicKey("prio.peer-auth.peer-public-key", p.peerPublicKey());
    peers.put(blank(p.peerKeyId()) ? Ed25519Keys.fingerprint(peer) : p.peerKeyId().trim(), peer);
    p.extraPeerPublicKeys()
        .forEach(
            (id, key) ->
                peers.put(id, publicKey("prio.peer-auth.extra-peer-public-keys[" + id + "]", key)));
    HttpSigner signer = new HttpSigner(new Ed25519Keys.SigningKey(ownId, own), clock);
    Duration w = p.clockSkew();
    HttpVerifier requests =
        new HttpVerifier(
            peers,
            PeerSignatureProfile.REQUEST,
            w,
            new NonceCache(p.nonceCacheSize()),
            clock,
            failures);
    HttpVerifier responses =
        new HttpVerifier(
            peers,
            PeerSignatureProfile.RESPONSE,
            w,
            new NonceCache(p.nonceCacheSize()),
            clock,
            failures);
    log.info(
        "peer signatures on: own key id {}, peer key ids {}, clock skew {}, max body {} bytes",
        ownId,
        peers.keySet(),
        w,
        maxBody);
    return new PeerAuth(
        true, signer, requests, responses, p.passUnsignedRetryableResponses(), tokenHash, maxBody);
  }

  public boolean signingEnabled() {
    return signingEnabled;
  }

  public boolean operatorTokenEnabled() {
    return operatorTokenSha256 != null;
  }

  /** For A's RestClient: signs requests, verifies responses; a pass-through when signing is off. */
  public ClientHttpRequestInterceptor clientInterceptor() {
    if (!signingEnabled) {
      return (request, body, execution) -> execution.execute(request, body);
    }
    return new PeerSigningInterceptor(
        signer, responseVerifier, passUnsignedRetryable, maxBodyBytes);
  }

  /**
   * For {@code /peer/**} on B (registered on A too: nobody may call A's peer API). Null when off.
   */
  public PeerSignatureFilter peerFilter() {
    return signingEnabled ? new PeerSignatureFilter(signer, requestVerifier, maxBodyBytes) : null;
  }

  /** For the operator API. Null when the token is disabled. */
  public OperatorTokenFilter operatorFilter() {
    return operatorTokenSha256 == null ? null : new OperatorTokenFilter(operatorTokenSha256);
  }

  /** The largest peer message body accepted (requests on B, responses on A). */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  HttpSigner signer() {
    return signer;
  }

  private static Ed25519PrivateKeyParameters privateKey(String property, String value) {
    required(property, value);
    try {
      return Ed25519Keys.parsePrivate(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(property + ": " + e.getMessage());
    }
  }

  private static Ed25519PublicKeyParameters publicKey(String property, String value) {
    required(property, value);
    try {
      return Ed25519Keys.parsePublic(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(property + ": " + e.getMessage());
    }
  }

  private static void required(String property, String value) {
    if (blank(value)) {
      throw new IllegalStateException(
          property + " is required (or prio.peer-auth.signing-disabled=true for a local demo)");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public String toString() {
    return "PeerAuth[signing=" + signingEnabled + ", operatorToken=" + operatorTokenEnabled() + "]";
  }
}
