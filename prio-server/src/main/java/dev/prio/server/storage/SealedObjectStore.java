package dev.prio.server.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals every object the engine writes and later trusts (batch state, scan plans, chunk results,
 * stored round answers, pending publish records) with an HMAC-SHA256 under a key only this server
 * holds, and checks the seal on every read. A flipped byte, a truncated write or an object replaced
 * by someone who can write the bucket but does not hold the server's key reads as {@link
 * StateCorruptException}, never as data. Objects outside the sealed keys (staged input, published
 * records in prio-processor's format) pass through untouched.
 *
 * <p>The format is one header line, {@code prio-sealed-v1 <hex mac>}, then the object's bytes as
 * they were, so a sealed JSON object stays readable with {@code tail -n +2}.
 */
public final class SealedObjectStore implements ObjectStore {
  private static final byte[] MAGIC = "prio-sealed-v1 ".getBytes(StandardCharsets.US_ASCII);
  private static final int MAC_HEX = 64;
  private static final int HEADER = MAGIC.length + MAC_HEX + 1;

  private final ObjectStore inner;
  private final Predicate<String> sealed;
  private final SecretKeySpec key;

  /**
   * @param macKey at least 32 bytes of secret key material, derived from the server's own secrets
   * @param sealed which keys carry a seal
   */
  public SealedObjectStore(ObjectStore inner, byte[] macKey, Predicate<String> sealed) {
    if (macKey.length < 32) {
      throw new IllegalArgumentException("the state MAC key must have at least 32 bytes");
    }
    this.inner = inner;
    this.sealed = sealed;
    this.key = new SecretKeySpec(macKey, "HmacSHA256");
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    return inner.list(prefix);
  }

  @Override
  public Optional<InputStream> open(String k) throws IOException {
    if (!sealed.test(k)) {
      return inner.open(k);
    }
    return read(k).map(o -> new ByteArrayInputStream(o.data()));
  }

  /**
   * Sealed objects are checked whole, so only unsealed ones (staged input) can be read by range.
   */
  @Override
  public Optional<InputStream> open(String k, long offset, long length) throws IOException {
    if (sealed.test(k)) {
      throw new IllegalArgumentException("a sealed object is read whole, not by range: " + k);
    }
    return inner.open(k, offset, length);
  }

  @Override
  public OptionalLong size(String k) throws IOException {
    return inner.size(k);
  }

  @Override
  public Optional<StoredObject> read(String k) throws IOException {
    Optional<StoredObject> raw = inner.read(k);
    if (raw.isEmpty() || !sealed.test(k)) {
      return raw;
    }
    return Optional.of(new StoredObject(unseal(k, raw.get().data()), raw.get().generation()));
  }

  @Override
  public boolean createIfAbsent(String k, byte[] data) throws IOException {
    return inner.createIfAbsent(k, sealed.test(k) ? seal(k, data) : data);
  }

  @Override
  public boolean compareAndSet(String k, long expectedGeneration, byte[] data) throws IOException {
    return inner.compareAndSet(k, expectedGeneration, sealed.test(k) ? seal(k, data) : data);
  }

  @Override
  public void delete(String k) throws IOException {
    inner.delete(k);
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  byte[] seal(String k, byte[] data) {
    byte[] header =
        (new String(MAGIC, StandardCharsets.US_ASCII) + mac(k, data) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(header, header.length + data.length);
    System.arraycopy(data, 0, out, header.length, data.length);
    return out;
  }

  byte[] unseal(String k, byte[] stored) {
    if (stored.length < HEADER
        || !Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
        || stored[HEADER - 1] != '\n') {
      throw new StateCorruptException(k, "no integrity seal");
    }
    byte[] data = Arrays.copyOfRange(stored, HEADER, stored.length);
    byte[] claimed = Arrays.copyOfRange(stored, MAGIC.length, MAGIC.length + MAC_HEX);
    byte[] actual = mac(k, data).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(claimed, actual)) {
      throw new StateCorruptException(k, "integrity seal does not match the content");
    }
    return data;
  }

  /** The object's key is under the MAC too, so a sealed object moved to another key is refused. */
  private String mac(String k, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(k.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return HexFormat.of().formatHex(mac.doFinal(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
