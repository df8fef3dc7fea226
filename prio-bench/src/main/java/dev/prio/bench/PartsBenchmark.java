package dev.prio.bench;

import dev.prio.core.codec.ClientPacketCodec;
import dev.prio.core.crypto.PacketCrypto;
import dev.prio.core.error.PrioException;
import dev.prio.core.field.Field;
import dev.prio.core.packet.ClientPacket;
import dev.prio.core.packet.ClientPacketB;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.ServerId;
import dev.prio.core.poly.Fft;
import dev.prio.core.prg.Prg;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.Accumulator;
import dev.prio.core.snip.EvaluationWeights;
import dev.prio.core.snip.PrioServer;
import dev.prio.core.snip.RMode;
import dev.prio.core.snip.VerificationPoints;
import dev.prio.core.snip.Verifier;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parts of {@link ServerBenchmark}, one at a time, so the per-submission cost can be broken
 * down: decryption, parsing, B's PRG expansion, the dot products that evaluate at r, the per-packet
 * weights SEQUENTIAL mode needs, the two rounds and aggregation; plus an FFT of size N (what
 * libprio runs three times per packet, and the client twice per polynomial). N = 2048 for n_data
 * 2046 and 512 for 441.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PartsBenchmark {
  @Param({"2046", "441"})
  public int nData;

  private Fixture fx;
  private int bigN;
  private int maxA;
  private int maxB;
  private byte[][] plainA;
  private byte[][] plainB;
  private byte[][] seedB;
  private long[] vecX;
  private long[] vecY;
  private long[] fftScratch;
  private long[] out;
  private VerificationPoints sequentialPoints;
  private Verifier[] verifiersA;
  private Accumulator accA;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws PrioException {
    fx = new Fixture(nData, RMode.CONSTANT);
    bigN = fx.config.pointCount();
    maxA = fx.config.maxPlaintextLength(ServerId.A);
    maxB = fx.config.maxPlaintextLength(ServerId.B);
    plainA = new byte[Fixture.POOL][];
    plainB = new byte[Fixture.POOL][];
    seedB = new byte[Fixture.POOL][];
    verifiersA = new Verifier[Fixture.POOL];
    PrioServer a = fx.server(ServerId.A, RMode.CONSTANT);
    for (int i = 0; i < Fixture.POOL; i++) {
      plainA[i] = PacketCrypto.decrypt(fx.keyA.privateKey(), fx.forA[i], maxA);
      plainB[i] = PacketCrypto.decrypt(fx.keyB.privateKey(), fx.forB[i], maxB);
      seedB[i] = ((ClientPacketB) ClientPacketCodec.read(fx.config, ServerId.B, plainB[i])).seed();
      verifiersA[i] = a.setData(fx.forA[i]);
    }
    Prg prg = Prg.create(PrgKeyMode.LEGACY, new byte[16], new byte[0]);
    vecX = new long[2 * bigN];
    vecY = new long[2 * bigN];
    fftScratch = new long[2 * bigN];
    for (int i = 0; i < bigN; i++) {
      prg.nextFieldElement(vecX, i);
      prg.nextFieldElement(vecY, i);
      prg.nextFieldElement(fftScratch, i);
    }
    out = new long[2];
    sequentialPoints =
        new VerificationPoints(fx.config, fx.sharedSeed, PrgKeyMode.LEGACY, RMode.SEQUENTIAL);
    accA = new Accumulator(fx.config, ServerId.A);
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) % Fixture.POOL;
    return i;
  }

  /** X25519 + KDF + AES-128-GCM of A's packet (≈ 12·(n_data + N) bytes). */
  @Benchmark
  public byte[] decryptA() throws PrioException {
    return PacketCrypto.decrypt(fx.keyA.privateKey(), fx.forA[nextIndex()], maxA);
  }

  /** The same for B's packet (≈ 100 bytes): essentially one X25519. */
  @Benchmark
  public byte[] decryptB() throws PrioException {
    return PacketCrypto.decrypt(fx.keyB.privateKey(), fx.forB[nextIndex()], maxB);
  }

  /** msgpack parse of A's plaintext with every §9 check (n_data + N field elements). */
  @Benchmark
  public ClientPacket parseA() throws PrioException {
    return ClientPacketCodec.read(fx.config, ServerId.A, plainA[nextIndex()]);
  }

  /** B's shares from its seed: AES key set-up, then n_data + N rejection-sampled elements. */
  @Benchmark
  public long[] expandB() {
    Prg prg = Prg.create(PrgKeyMode.LEGACY, seedB[nextIndex()], null);
    long[] v = new long[2 * (nData + bigN)];
    for (int i = 0; i < nData + bigN; i++) {
      prg.nextFieldElement(v, i);
    }
    return v;
  }

  /**
   * Field.dot of N elements (lazy reduction): one of the two dot products per packet and server.
   */
  @Benchmark
  public long[] dotN() {
    Field.dot(vecX, 0, vecY, 0, bigN, out, 0);
    return out;
  }

  /** Forward FFT of size N, in place. */
  @Benchmark
  public long[] fftN() {
    Fft.forward(fftScratch, bigN);
    return fftScratch;
  }

  /**
   * SEQUENTIAL mode's extra per packet: draw the next r, compute the N- and 2N-point weights at it.
   */
  @Benchmark
  public EvaluationWeights weightsAtNextR() {
    return sequentialPoints.next();
  }

  /** verify1, verify2 and isValid of one server, given its Verifier. */
  @Benchmark
  public boolean rounds() {
    int i = nextIndex();
    Verifier v = verifiersA[i];
    PacketVerify1 mine = v.verify1();
    PacketVerify2 out2 = v.verify2(mine, fx.v1B[i]);
    return Verifier.isValid(out2, fx.v2B[i]);
  }

  /** Adding one submission's n_data shares into an Accumulator (isValid included). */
  @Benchmark
  public Accumulator aggregate() throws PrioException {
    int i = nextIndex();
    accA.aggregate(verifiersA[i], fx.v2A[i], fx.v2B[i]);
    return accA;
  }
}
