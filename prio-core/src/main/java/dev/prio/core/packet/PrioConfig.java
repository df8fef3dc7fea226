package dev.prio.core.packet;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * libprio's PrioConfig minus the keys: how many booleans a submission holds and which batch it
 * belongs to. Everything about packet shapes derives from it (spec §1.4, §5.2, §9).
 */
public record PrioConfig(int nData, byte[] batchId) {
  /** PrioConfig_maxDataFields(): 2N must not exceed the 2^19 roots of unity. */
  public static final int MAX_DATA_FIELDS = (1 << 18) - 1;

  public PrioConfig {
    if (nData < 1 || nData > MAX_DATA_FIELDS) {
      throw new IllegalArgumentException("n_data must be between 1 and " + MAX_DATA_FIELDS);
    }
    for (byte b : batchId) {
      if (b == 0) {
        // libprio copies the id with a C string copy: bytes after a NUL would silently change.
        throw new IllegalArgumentException("batch id must not contain NUL");
      }
    }
    batchId = batchId.clone();
  }

  public static PrioConfig of(int nData, String batchId) {
    return new PrioConfig(nData, batchId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] batchId() {
    return batchId.clone();
  }

  /** Points of f and g that carry meaning: the random point 0 plus n_data data points. */
  public int n() {
    return nData + 1;
  }

  /** N: the smallest power of two ≥ n_data + 1; f and g live on the N-th roots, h on the 2N-th. */
  public int pointCount() {
    int n = n();
    return Integer.bitCount(n) == 1 ? n : Integer.highestOneBit(n) << 1;
  }

  /** The largest plaintext an honest client writes for this server (spec §9, sizing). */
  public int maxPlaintextLength(ServerId server) {
    int head = strHeader(batchId.length) + batchId.length + 6 * 12 + 1;
    if (server == ServerId.B) {
      return head + 17;
    }
    int N = pointCount();
    return head + arrayHeader(nData) + 12 * nData + arrayHeader(N) + 12 * N;
  }

  private static int strHeader(int n) {
    return n < 32 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5;
  }

  private static int arrayHeader(int n) {
    return n < 16 ? 1 : n < 65536 ? 3 : 5;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrioConfig other
        && nData == other.nData
        && Arrays.equals(batchId, other.batchId);
  }

  @Override
  public int hashCode() {
    return 31 * nData + Arrays.hashCode(batchId);
  }

  @Override
  public String toString() {
    return "PrioConfig[nData="
        + nData
        + ", batchId="
        + new String(batchId, StandardCharsets.UTF_8)
        + "]";
  }
}
