package dev.prio.server.signing;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.Parameters;

/**
 * Signs peer messages with this server's Ed25519 key: computes Content-Digest, builds the RFC 9421
 * signature base over the {@link PeerSignatureProfile} components with {@code created}, {@code
 * keyid}, {@code alg} and a fresh random {@code nonce}, and returns the three header values to add.
 * Thread-safe.
 */
public final class HttpSigner {
  private final Ed25519Keys.SigningKey key;
  private final Clock clock;
  private final SecureRandom random;

  public HttpSigner(Ed25519Keys.SigningKey key, Clock clock) {
    this(key, clock, new SecureRandom());
  }

  public HttpSigner(Ed25519Keys.SigningKey key, Clock clock, SecureRandom random) {
    this.key = key;
    this.clock = clock;
    this.random = random;
  }

  public String keyId() {
    return key.keyId();
  }

  /** The headers that authenticate one message. */
  public record SignatureFields(String contentDigest, String signatureInput, String signature) {
    /** Calls {@code setHeader} for Content-Digest, Signature-Input and Signature. */
    public void applyTo(BiConsumer<String, String> setHeader) {
      setHeader.accept(ContentDigest.HEADER, contentDigest);
      setHeader.accept(PeerSignatureProfile.SIGNATURE_INPUT, signatureInput);
      setHeader.accept(PeerSignatureProfile.SIGNATURE, signature);
    }

    public Map<String, List<String>> asHeaders() {
      Map<String, List<String>> h = new LinkedHashMap<>();
      applyTo((k, v) -> h.put(k, List.of(v)));
      return h;
    }
  }

  /** Signs a request to {@code uri} (its raw path and query are what get covered). */
  public SignatureFields signRequest(String method, URI uri, byte[] body) {
    return sign(HttpMessage.request(method, uri, Map.of()), body, PeerSignatureProfile.REQUEST);
  }

  /**
   * Signs a response. When {@code request} carries a {@code sig1} signature the response is bound
   * to it; otherwise (answering an unsigned request) only to its method, path and query.
   */
  public SignatureFields signResponse(int status, byte[] body, HttpMessage request) {
    HttpMessage response = HttpMessage.response(status, Map.of(), request);
    List<Component> covered =
        hasBindableSignature(request)
            ? PeerSignatureProfile.RESPONSE
            : PeerSignatureProfile.RESPONSE_UNBOUND;
    return sign(response, body, covered);
  }

  /** Signs {@code message} (whose Content-Digest is set here) over {@code covered}. */
  public SignatureFields sign(HttpMessage message, byte[] body, List<Component> covered) {
    String digest = ContentDigest.sha256(body);
    HttpMessage withDigest = message.withHeader(ContentDigest.HEADER, digest);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("created", clock.instant().getEpochSecond());
    params.put("keyid", key.keyId());
    params.put("alg", PeerSignatureProfile.ALG);
    params.put("nonce", newNonce());
    InnerList input = innerList(covered).withParams(Parameters.valueOf(params));
    String base = SignatureBase.build(input, withDigest);
    byte[] sig = key.sign(SignatureBase.bytes(base));
    return new SignatureFields(
        digest,
        Sfv.dictionary(PeerSignatureProfile.LABEL, input),
        Sfv.dictionary(PeerSignatureProfile.LABEL, ByteSequenceItem.valueOf(sig)));
  }

  /** The inner list of {@code covered}'s identifiers, without signature parameters. */
  static InnerList innerList(List<Component> covered) {
    List<Item<? extends Object>> items = new ArrayList<>();
    for (Component c : covered) {
      items.add(c.toItem());
    }
    return InnerList.valueOf(items);
  }

  static boolean hasBindableSignature(HttpMessage request) {
    if (request == null) {
      return false;
    }
    String joined = String.join(", ", request.header(PeerSignatureProfile.SIGNATURE));
    return !joined.isEmpty()
        && Sfv.dictionary(joined)
            .map(d -> d.get(PeerSignatureProfile.LABEL) instanceof ByteSequenceItem)
            .orElse(false);
  }

  private String newNonce() {
    byte[] n = new byte[18];
    random.nextBytes(n);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(n);
  }

  @Override
  public String toString() {
    return "HttpSigner[keyId=" + key.keyId() + "]";
  }
}
