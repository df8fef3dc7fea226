package dev.prio.bench;

import dev.prio.core.crypto.KeyPair;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.PrioClient;
import dev.prio.core.snip.PrioServer;
import dev.prio.core.snip.RMode;
import dev.prio.core.snip.Verifier;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Random;

/**
 * A batch set up once per trial, outside the measurement: fixed server keys and shared seed, and a
 * pool of {@value #POOL} client submissions made with {@link PrioClient} from a fixed seed, so the
 * server benchmarks measure the servers only and every run sees the same packets. For each
 * submission it also records both servers' round-1 and round-2 packets, as computed by a fresh
 * server pair fed the pool in order; a benchmark of one server alone takes its peer's packets from
 * here.
 */
final class Fixture {
  static final int POOL = 256;
  static final String BATCH_ID = "content.blocking_blocked-0";

  final PrioConfig config;
  final KeyPair keyA;
  final KeyPair keyB;
  final SharedSeed sharedSeed;
  final long[][] values = new long[POOL][];
  final byte[][] forA = new byte[POOL][];
  final byte[][] forB = new byte[POOL][];
  final PacketVerify1[] v1A = new PacketVerify1[POOL];
  final PacketVerify1[] v1B = new PacketVerify1[POOL];
  final PacketVerify2[] v2A = new PacketVerify2[POOL];
  final PacketVerify2[] v2B = new PacketVerify2[POOL];

  Fixture(int nData, RMode rMode) {
    config = PrioConfig.of(nData, BATCH_ID);
    SecureRandom random = seeded(20261124L);
    keyA = KeyPair.generate(random);
    keyB = KeyPair.generate(random);
    sharedSeed = SharedSeed.generate(random);
    PrioClient client =
        new PrioClient(config, keyA.publicKey(), keyB.publicKey(), PrgKeyMode.LEGACY, random);
    Random bits = new Random(42);
    for (int i = 0; i < POOL; i++) {
      values[i] = randomBits(bits, nData);
      PrioClient.Submission s = client.encode(values[i]);
      forA[i] = s.forA();
      forB[i] = s.forB();
    }
    PrioServer a = server(ServerId.A, rMode);
    PrioServer b = server(ServerId.B, rMode);
    try {
      for (int i = 0; i < POOL; i++) {
        Verifier va = a.setData(forA[i]);
        Verifier vb = b.setData(forB[i]);
        v1A[i] = va.verify1();
        v1B[i] = vb.verify1();
        v2A[i] = va.verify2(v1A[i], v1B[i]);
        v2B[i] = vb.verify2(v1A[i], v1B[i]);
        if (!Verifier.isValid(v2A[i], v2B[i])) {
          throw new IllegalStateException("pool submission " + i + " does not verify");
        }
      }
    } catch (PrioException e) {
      throw new IllegalStateException("pool submission rejected", e);
    }
  }

  /** A new server of this batch; in SEQUENTIAL mode its r stream starts again at the first draw. */
  PrioServer server(ServerId id, RMode rMode) {
    KeyPair k = id == ServerId.A ? keyA : keyB;
    return new PrioServer(config, id, k.privateKey(), sharedSeed, PrgKeyMode.LEGACY, rMode);
  }

  static long[] randomBits(Random bits, int nData) {
    long[] v = new long[nData];
    for (int j = 0; j < nData; j++) {
      v[j] = bits.nextInt(2);
    }
    return v;
  }

  /** SHA1PRNG seeded before first use is deterministic: the same keys and packets on every run. */
  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
