package dev.prio.core.snip;

import dev.prio.core.crypto.PrivateKey;
import dev.prio.core.crypto.PublicKey;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.support.Fixture;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A client and both servers for one batch, run in-process: setData on both, exchange verify1,
 * exchange verify2, isValid, and aggregate the valid ones into each server's accumulator.
 */
final class SnipHarness {
  static final PrivateKey KEY_A = Fixture.SET.privateKey(ServerId.A);
  static final PrivateKey KEY_B = Fixture.SET.privateKey(ServerId.B);
  static final PublicKey PUB_A = Fixture.SET.publicKey(ServerId.A);
  static final PublicKey PUB_B = Fixture.SET.publicKey(ServerId.B);

  final PrioConfig config;
  final PrgKeyMode prgMode;
  final PrioClient client;
  final PrioServer serverA;
  final PrioServer serverB;
  final Accumulator accA;
  final Accumulator accB;

  SnipHarness(PrioConfig config, PrgKeyMode prgMode, RMode rMode, long seed) {
    this.config = config;
    this.prgMode = prgMode;
    SecureRandom random = seeded(seed);
    SharedSeed shared = SharedSeed.generate(random);
    this.client = new PrioClient(config, PUB_A, PUB_B, prgMode, random);
    this.serverA = new PrioServer(config, ServerId.A, KEY_A, shared, prgMode, rMode);
    this.serverB = new PrioServer(config, ServerId.B, KEY_B, shared, prgMode, rMode);
    this.accA = new Accumulator(config, ServerId.A);
    this.accB = new Accumulator(config, ServerId.B);
  }

  /** The outcome of one submission: both round-2 packets, and whether they sum to zero. */
  record Outcome(Verifier a, Verifier b, PacketVerify2 outA, PacketVerify2 outB, boolean valid) {}

  Outcome verify(byte[] forA, byte[] forB) throws PrioException {
    Verifier a = serverA.setData(forA);
    Verifier b = serverB.setData(forB);
    PacketVerify1 v1A = a.verify1();
    PacketVerify1 v1B = b.verify1();
    // Each server passes (its own, the peer's); the order of the two must not matter.
    PacketVerify2 outA = a.verify2(v1A, v1B);
    PacketVerify2 outB = b.verify2(v1B, v1A);
    return new Outcome(a, b, outA, outB, Verifier.isValid(outA, outB));
  }

  /** Verify, and aggregate on both servers when valid. Returns validity. */
  boolean submit(PrioClient.Submission s) throws PrioException {
    Outcome o = verify(s.forA(), s.forB());
    if (o.valid()) {
      accA.aggregate(o.a(), o.outA(), o.outB());
      accB.aggregate(o.b(), o.outB(), o.outA());
    }
    return o.valid();
  }

  long[] combine() throws PrioException {
    return TotalShares.combine(accA.totalShare(), accB.totalShare(), config.nData());
  }

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
