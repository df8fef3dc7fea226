package dev.prio.server.signing;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code prio.peer-auth.*}: this server's Ed25519 signing key, the peer's public key(s), the replay
 * window, and the operator token hash. Key values take any form {@link Ed25519Keys} accepts (PEM,
 * base64 PKCS#8 / SPKI, base64 or hex raw 32 bytes, or {@code file:/path} of a mounted secret).
 * Safe defaults: with neither keys nor {@code signing-disabled=true} the server refuses to start,
 * and likewise with neither {@code operator-token-sha256} nor {@code operator-token-disabled=true}.
 * {@link #toString()} is redacted.
 *
 * @param signingDisabled turn peer signatures off (local demos only; logged as a warning)
 * @param keyId this server's key id; default: derived from its public key
 * @param privateKey this server's Ed25519 private key (secret)
 * @param peerKeyId the peer's current key id; default: derived from its public key
 * @param peerPublicKey the peer's current Ed25519 public key
 * @param extraPeerPublicKeys more accepted peer keys by key id, for rotation
 * @param clockSkew accepted |now - created|; also how long nonces are remembered
 * @param nonceCacheSize most nonces remembered per direction
 * @param passUnsignedRetryableResponses let unsigned 408/429/5xx (load balancer errors) reach the
 *     retry policy with their status and Retry-After; off, they are refused as missing_signature,
 *     which the retry policy retries as lost like every other unsigned answer
 * @param operatorTokenSha256 hex SHA-256 of the operator bearer token
 * @param operatorTokenDisabled leave the operator API open (local demos only; logged as a warning)
 * @param maxBodySize largest peer message body accepted, request on B and response on A (e.g.
 *     {@code 8MB}); default: derived from the largest legitimate round, {@link
 *     BoundedBody#derivedLimit} of {@code prio.batch.chunk-size} and the largest n_data in
 *     DATA_CONFIG
 */
@ConfigurationProperties("prio.peer-auth")
@Validated
public record PeerAuthProperties(
    @DefaultValue("false") boolean signingDisabled,
    @Pattern(regexp = KEY_ID, message = KEY_ID_MESSAGE) String keyId,
    @Size(max = 16_384) String privateKey,
    @Pattern(regexp = KEY_ID, message = KEY_ID_MESSAGE) String peerKeyId,
    @Size(max = 16_384) String peerPublicKey,
    Map<@Pattern(regexp = KEY_ID, message = KEY_ID_MESSAGE) String, @Size(max = 16_384) String>
        extraPeerPublicKeys,
    @DefaultValue("60s") @DurationMin(seconds = 1) @DurationMax(minutes = 30) Duration clockSkew,
    @DefaultValue("100000") @Min(1) @Max(100_000_000) int nonceCacheSize,
    @DefaultValue("true") boolean passUnsignedRetryableResponses,
    @Pattern(
            regexp = "^$|^\\s*[0-9A-Fa-f]{64}\\s*$|^file:.+$",
            message = "must be 64 hex digits (the SHA-256 of the token) or file:/path")
        String operatorTokenSha256,
    @DefaultValue("false") boolean operatorTokenDisabled,
    DataSize maxBodySize) {
  /**
   * Key ids go into a structured-field string of the signature parameters: no quotes, no spaces.
   */
  static final String KEY_ID = "^$|^[A-Za-z0-9._:+/=-]{1,256}$";

  static final String KEY_ID_MESSAGE = "must be empty or up to 256 of A-Z a-z 0-9 . _ : + / = -";

  /** Without a body size: the derived default applies. */
  public PeerAuthProperties(
      boolean signingDisabled,
      String keyId,
      String privateKey,
      String peerKeyId,
      String peerPublicKey,
      Map<String, String> extraPeerPublicKeys,
      Duration clockSkew,
      int nonceCacheSize,
      boolean passUnsignedRetryableResponses,
      String operatorTokenSha256,
      boolean operatorTokenDisabled) {
    this(
        signingDisabled,
        keyId,
        privateKey,
        peerKeyId,
        peerPublicKey,
        extraPeerPublicKeys,
        clockSkew,
        nonceCacheSize,
        passUnsignedRetryableResponses,
        operatorTokenSha256,
        operatorTokenDisabled,
        null);
  }

  @ConstructorBinding
  public PeerAuthProperties {
    extraPeerPublicKeys = extraPeerPublicKeys == null ? Map.of() : Map.copyOf(extraPeerPublicKeys);
    clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
  }

  @Override
  public String toString() {
    return "PeerAuthProperties[signingDisabled="
        + signingDisabled
        + ", keyId="
        + keyId
        + ", privateKey=redacted"
        + ", peerKeyId="
        + peerKeyId
        + ", extraPeerKeyIds="
        + extraPeerPublicKeys.keySet()
        + ", clockSkew="
        + clockSkew
        + ", nonceCacheSize="
        + nonceCacheSize
        + ", passUnsignedRetryableResponses="
        + passUnsignedRetryableResponses
        + ", operatorTokenSha256="
        + (operatorTokenSha256 == null ? "unset" : "redacted")
        + ", operatorTokenDisabled="
        + operatorTokenDisabled
        + ", maxBodySize="
        + maxBodySize
        + "]";
  }
}
