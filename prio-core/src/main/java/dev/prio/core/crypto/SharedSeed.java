package dev.prio.core.crypto;

import dev.prio.core.prg.Prg;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The servers' shared 16-byte PRG seed (spec §2.2), carried as standard base64. It keys the
 * verification points, so it is a secret: {@link #toString()} never shows it.
 */
public final class SharedSeed {
  private final byte[] raw;

  private SharedSeed(byte[] raw) {
    this.raw = raw;
  }

  /** Strict: standard base64 with padding, decoding to exactly 16 bytes. */
  public static SharedSeed fromBase64(String value) {
    String text = value == null ? "" : value.trim();
    // java.util.Base64 treats '=' padding as optional; standard base64 (and Python's b64decode,
    // which prio-processor uses) requires it.
    if (text.length() % 4 != 0) {
      throw new IllegalArgumentException("shared seed is not standard base64 with padding");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("shared seed is not standard base64");
    }
    if (raw.length != Prg.SEED_LENGTH) {
      throw new IllegalArgumentException("shared seed must decode to 16 bytes");
    }
    return new SharedSeed(raw);
  }

  public static SharedSeed generate(SecureRandom random) {
    byte[] raw = new byte[Prg.SEED_LENGTH];
    random.nextBytes(raw);
    return new SharedSeed(raw);
  }

  public byte[] raw() {
    return raw.clone();
  }

  public String toBase64() {
    return Base64.getEncoder().encodeToString(raw);
  }

  /** {@code {"shared_seed": "<base64>"}} as prio-processor's {@code prio shared-seed} prints it. */
  public String toJson() {
    return "{\"shared_seed\": \"" + toBase64() + "\"}";
  }

  @Override
  public String toString() {
    return "SharedSeed[redacted]";
  }
}
