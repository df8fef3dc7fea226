package dev.prio.core.snip;

import dev.prio.core.codec.ClientPacketCodec;
import dev.prio.core.crypto.PacketCrypto;
import dev.prio.core.crypto.PrivateKey;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.error.PrioException;
import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.ClientPacket;
import dev.prio.core.packet.ClientPacketA;
import dev.prio.core.packet.ClientPacketB;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.Prg;
import dev.prio.core.prg.PrgKeyMode;

/**
 * libprio's PrioServer: one server's keys and verification-point stream for one batch. Turns a
 * client ciphertext into a {@link Verifier} (PrioVerifier_set_data). In CONSTANT mode it holds no
 * mutable state and may be shared by threads; in SEQUENTIAL mode callers must feed packets in file
 * order, as the CLI does.
 */
public final class PrioServer {
  private final PrioConfig config;
  private final ServerId serverId;
  private final PrivateKey privateKey;
  private final PrgKeyMode prgMode;
  private final VerificationPoints points;
  private final int maxPlaintext;

  public PrioServer(
      PrioConfig config,
      ServerId serverId,
      PrivateKey privateKey,
      SharedSeed sharedSeed,
      PrgKeyMode prgMode,
      RMode rMode) {
    this.config = config;
    this.serverId = serverId;
    this.privateKey = privateKey;
    this.prgMode = prgMode;
    this.points = new VerificationPoints(config, sharedSeed, prgMode, rMode);
    this.maxPlaintext = config.maxPlaintextLength(serverId);
  }

  public PrioConfig config() {
    return config;
  }

  public ServerId serverId() {
    return serverId;
  }

  /**
   * Decrypt, parse and evaluate at r. A packet rejected here does not consume a verification point,
   * exactly as in libprio (that is what desynchronises SEQUENTIAL mode, spec §9).
   */
  public Verifier setData(byte[] ciphertext) throws PrioException {
    byte[] plaintext = PacketCrypto.decrypt(privateKey, ciphertext, maxPlaintext);
    ClientPacket packet = ClientPacketCodec.read(config, serverId, plaintext);
    long[] data;
    long[] h;
    if (packet instanceof ClientPacketA a) {
      data = a.dataShares();
      h = a.hPoints();
    } else {
      Prg prg = Prg.create(prgMode, ((ClientPacketB) packet).seed(), config.batchId());
      data = expand(prg, config.nData());
      h = expand(prg, config.pointCount());
    }
    EvaluationWeights w = points.next();
    long[] t = new long[4];
    Field.dot(w.dataWeights(), 0, data, 0, config.nData(), t, 0);
    Field.dot(w.hWeights(), 0, h, 0, config.pointCount(), t, 1);
    FieldElement dataTerm = FieldElement.get(t, 0);
    FieldElement fR = w.f0Weight().multiply(packet.f0Share()).add(dataTerm);
    FieldElement gR = w.f0Weight().multiply(packet.g0Share()).add(dataTerm);
    if (serverId == ServerId.A) {
      gR = gR.subtract(w.dataWeightSum());
    }
    FieldElement hR = w.h0Weight().multiply(packet.h0Share()).add(FieldElement.get(t, 1));
    return new Verifier(serverId, packet.triple(), fR, gR, hR, data);
  }

  /** B's shares: n_data data shares, then N h shares, from the client's seed (spec §4.4). */
  private static long[] expand(Prg prg, int count) {
    long[] v = new long[2 * count];
    for (int i = 0; i < count; i++) {
      prg.nextFieldElement(v, i);
    }
    return v;
  }
}
