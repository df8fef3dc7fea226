package dev.prio.server.signing;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.IntegerItem;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parameters;
import org.greenbytes.http.sfv.StringItem;

/**
 * Checks one signed peer message, in this order (the first failure wins):
 *
 * <ol>
 *   <li>Signature and Signature-Input present with a {@code sig1} member — else {@code
 *       missing_signature};
 *   <li>both parse; {@code keyid}, {@code created} (integer) and {@code nonce} present; {@code alg}
 *       is {@code "ed25519"}; every required component covered — else {@code bad_signature};
 *   <li>the keyid is a configured peer key — else {@code unknown_key};
 *   <li>Content-Digest present and its {@code sha-256} equal to the body's — else {@code
 *       digest_mismatch};
 *   <li>the Ed25519 signature over the rebuilt signature base verifies — else {@code
 *       bad_signature};
 *   <li>{@code created} within ±window of now, {@code expires} (if any) not past — else {@code
 *       stale};
 *   <li>the (keyid, nonce) pair not accepted before — else {@code replayed}. Recorded only now, so
 *       a forged message cannot burn a nonce.
 * </ol>
 *
 * Each failure is reported to the failure sink (the metric) by its label, then thrown.
 */
public final class HttpVerifier {
  private final Map<String, Ed25519PublicKeyParameters> keys;
  private final List<Component> required;
  private final Duration window;
  private final NonceCache nonces;
  private final Clock clock;
  private final Consumer<String> failures;

  /** What a verified message was signed with. */
  public record Verified(String keyId, long created, String nonce) {}

  public HttpVerifier(
      Map<String, Ed25519PublicKeyParameters> keys,
      List<Component> required,
      Duration window,
      NonceCache nonces,
      Clock clock,
      Consumer<String> failures) {
    this.keys = Map.copyOf(keys);
    this.required = List.copyOf(required);
    this.window = window;
    this.nonces = nonces;
    this.clock = clock;
    this.failures = failures == null ? r -> {} : failures;
  }

  public Verified verify(HttpMessage message, byte[] body) throws PeerAuthException {
    return verifyDigest(
        message, body == null ? null : ContentDigest.digest(ContentDigest.SHA_256, body));
  }

  /**
   * As {@link #verify}, given the body's SHA-256 computed while it was read ({@link BoundedBody}).
   */
  public Verified verifyDigest(HttpMessage message, byte[] bodySha256) throws PeerAuthException {
    try {
      return check(message, bodySha256);
    } catch (PeerAuthException e) {
      failures.accept(e.reason().label());
      throw e;
    }
  }

  /**
   * A refusal decided outside the verifier (a body over the size limit): counted like the others.
   */
  public PeerAuthException refuse(AuthFailureReason reason, String message) {
    failures.accept(reason.label());
    return fail(reason, message);
  }

  /**
   * The checks that need no body — signature fields present and well-formed, key known, required
   * components covered, {@code created} in the window — so a server can refuse junk before
   * buffering a large body. {@link #verify} repeats them; failures are counted here too.
   */
  public void precheck(HttpMessage message) throws PeerAuthException {
    try {
      Parsed p = parse(message);
      checkClock(p);
    } catch (PeerAuthException e) {
      failures.accept(e.reason().label());
      throw e;
    }
  }

  private record Parsed(
      InnerList input,
      byte[] signature,
      String keyId,
      long created,
      String nonce,
      Long expires,
      Ed25519PublicKeyParameters key) {}

  private Parsed parse(HttpMessage message) throws PeerAuthException {
    String inputField = String.join(", ", message.header(PeerSignatureProfile.SIGNATURE_INPUT));
    String sigField = String.join(", ", message.header(PeerSignatureProfile.SIGNATURE));
    if (inputField.isEmpty() || sigField.isEmpty()) {
      throw fail(AuthFailureReason.MISSING_SIGNATURE, "no Signature / Signature-Input");
    }
    Map<String, ListElement<? extends Object>> inputs = Sfv.dictionary(inputField).orElse(null);
    Map<String, ListElement<? extends Object>> sigs = Sfv.dictionary(sigField).orElse(null);
    if (inputs == null || sigs == null) {
      throw fail(AuthFailureReason.BAD_SIGNATURE, "malformed signature fields");
    }
    ListElement<? extends Object> in = inputs.get(PeerSignatureProfile.LABEL);
    ListElement<? extends Object> sg = sigs.get(PeerSignatureProfile.LABEL);
    if (in == null || sg == null) {
      throw fail(
          AuthFailureReason.MISSING_SIGNATURE,
          "no signature labelled " + PeerSignatureProfile.LABEL);
    }
    if (!(in instanceof InnerList input)) {
      throw fail(AuthFailureReason.BAD_SIGNATURE, "Signature-Input member is not an inner list");
    }
    if (!(sg instanceof ByteSequenceItem sigBytes)) {
      throw fail(AuthFailureReason.BAD_SIGNATURE, "Signature member is not a byte sequence");
    }
    Parameters params = input.getParams();
    if (!(params.get("keyid") instanceof StringItem keyIdItem)) {
      throw fail(AuthFailureReason.BAD_SIGNATURE, "no keyid");
    }
    String keyId = keyIdItem.get();
    if (!(params.get("created") instanceof IntegerItem createdItem)) {
      throw fail(AuthFailureReason.BAD_SIGNATURE, "no created");
    }
    long created = createdItem.get();
    if (!(params.get("nonce") instanceof StringItem nonceItem)
        || nonceItem.get().isEmpty()
        || nonceItem.get().length() > 128) {
      throw fail(AuthFailureReason.BAD_SIGNATURE, "no usable nonce");
    }
    String nonce = nonceItem.get();
    if (!(params.get("alg") instanceof StringItem alg)
        || !PeerSignatureProfile.ALG.equals(alg.get())) {
      throw fail(AuthFailureReason.BAD_SIGNATURE, "alg is not ed25519");
    }
    Item<? extends Object> expiresItem = params.get("expires");
    if (expiresItem != null && !(expiresItem instanceof IntegerItem)) {
      throw fail(AuthFailureReason.BAD_SIGNATURE, "expires is not an integer");
    }
    Long expires = expiresItem == null ? null : ((IntegerItem) expiresItem).get();
    Set<Component> covered = new HashSet<>();
    for (Item<? extends Object> item : input.get()) {
      if (item instanceof StringItem name) {
        covered.add(new Component(name.get(), item.getParams()));
      }
    }
    for (Component c : required) {
      if (!covered.contains(c)) {
        throw fail(
            AuthFailureReason.BAD_SIGNATURE,
            "required component " + c.identifier() + " not covered");
      }
    }
    Ed25519PublicKeyParameters key = keys.get(keyId);
    if (key == null) {
      throw fail(AuthFailureReason.UNKNOWN_KEY, "keyid is not a configured peer key");
    }
    return new Parsed(input, Sfv.bytes(sigBytes), keyId, created, nonce, expires, key);
  }

  private long checkClock(Parsed p) throws PeerAuthException {
    long now = clock.instant().getEpochSecond();
    long w = window.toSeconds();
    if (p.created() < now - w || p.created() > now + w) {
      throw fail(AuthFailureReason.STALE, "created is outside the ±" + w + "s window");
    }
    if (p.expires() != null && p.expires() < now) {
      throw fail(AuthFailureReason.STALE, "signature expired");
    }
    return now;
  }

  private Verified check(HttpMessage message, byte[] bodySha256) throws PeerAuthException {
    Parsed p = parse(message);
    String digestField =
        message.header(ContentDigest.HEADER).isEmpty()
            ? null
            : String.join(", ", message.header(ContentDigest.HEADER));
    if (!ContentDigest.matchesSha256Digest(digestField, bodySha256)) {
      throw fail(
          AuthFailureReason.DIGEST_MISMATCH,
          digestField == null ? "no Content-Digest" : "Content-Digest does not match the body");
    }
    String base;
    try {
      base = SignatureBase.build(p.input(), message);
    } catch (IllegalArgumentException e) {
      throw fail(
          AuthFailureReason.BAD_SIGNATURE, "cannot rebuild the signature base: " + e.getMessage());
    }
    if (!Ed25519Keys.verify(p.key(), SignatureBase.bytes(base), p.signature())) {
      throw fail(AuthFailureReason.BAD_SIGNATURE, "signature does not verify");
    }
    long now = checkClock(p);
    if (!nonces.checkAndRecord(
        p.keyId(), p.nonce(), p.created(), p.created() + window.toSeconds(), now)) {
      throw fail(AuthFailureReason.REPLAYED, "nonce already used");
    }
    return new Verified(p.keyId(), p.created(), p.nonce());
  }

  private static PeerAuthException fail(AuthFailureReason reason, String message) {
    return new PeerAuthException(reason, message);
  }

  @Override
  public String toString() {
    return "HttpVerifier[keyIds=" + keys.keySet() + ", window=" + window + "]";
  }
}
