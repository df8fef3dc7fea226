package dev.prio.core.snip;

import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.Prg;
import dev.prio.core.prg.PrgKeyMode;
import java.math.BigInteger;

/**
 * The verification points r, drawn from the PRG keyed by the servers' shared seed (spec §6.3): r =
 * (n_data + 2) + a §4.2 draw below p − (n_data + 2). Both servers must hand the same r to the same
 * packet, which is what {@link RMode} pins down.
 */
public final class VerificationPoints {
  private final PrioConfig config;
  private final RMode mode;
  private final Prg prg;
  private final EvaluationWeights constant;

  public VerificationPoints(PrioConfig config, SharedSeed seed, PrgKeyMode keyMode, RMode mode) {
    this.config = config;
    this.mode = mode;
    this.prg = Prg.create(keyMode, seed.raw(), config.batchId());
    this.constant =
        mode == RMode.CONSTANT ? EvaluationWeights.at(config, drawPoint(prg, config)) : null;
  }

  /**
   * The weights for the next packet that decrypted and parsed; in CONSTANT mode always the same.
   */
  public EvaluationWeights next() {
    if (mode == RMode.CONSTANT) {
      return constant;
    }
    FieldElement r;
    synchronized (prg) {
      r = drawPoint(prg, config);
    }
    return EvaluationWeights.at(config, r);
  }

  public RMode mode() {
    return mode;
  }

  /** libprio's PRG_get_int_range(prg, n + 1, p) in PrioVerifier_set_data. */
  static FieldElement drawPoint(Prg prg, PrioConfig config) {
    return prg.nextInRange(BigInteger.valueOf(config.n() + 1L), Field.MODULUS);
  }
}
