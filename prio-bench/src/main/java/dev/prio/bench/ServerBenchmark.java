package dev.prio.bench;

import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.ServerId;
import dev.prio.core.snip.Accumulator;
import dev.prio.core.snip.PrioServer;
import dev.prio.core.snip.RMode;
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
 * Server-side cost of one submission, everything after the bytes arrive: decrypt, parse, set_data
 * (B: PRG expansion of its shares; both: evaluation of f, g, h at r), verify1, verify2, isValid and
 * aggregation into an {@link Accumulator}. One thread, so the score is CPU time per submission on
 * one core.
 *
 * <p>Submissions cycle through the {@link Fixture} pool. In SEQUENTIAL mode every packet gets the
 * next r (the point: new evaluation weights per packet); the servers are recreated each time the
 * pool wraps, so packet i always meets the r the fixture's peer packets were computed with (this
 * costs one AES key set-up per 256 packets). In CONSTANT mode the servers live for the whole trial,
 * as in a batch job where r, and so the weights, are fixed per batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ServerBenchmark {
  @Param({"2046", "441"})
  public int nData;

  @Param({"CONSTANT", "SEQUENTIAL"})
  public RMode rMode;

  private Fixture fx;
  private PrioServer serverA;
  private PrioServer serverB;
  private Accumulator accA;
  private Accumulator accB;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    fx = new Fixture(nData, rMode);
    serverA = fx.server(ServerId.A, rMode);
    serverB = fx.server(ServerId.B, rMode);
    accA = new Accumulator(fx.config, ServerId.A);
    accB = new Accumulator(fx.config, ServerId.B);
    next = 0;
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) % Fixture.POOL;
    if (i == 0 && rMode == RMode.SEQUENTIAL) {
      serverA = fx.server(ServerId.A, rMode);
      serverB = fx.server(ServerId.B, rMode);
    }
    return i;
  }

  /** Server A alone; B's round-1 and round-2 packets come from the fixture. */
  @Benchmark
  public PacketVerify2 serverA() throws PrioException {
    int i = nextIndex();
    Verifier v = serverA.setData(fx.forA[i]);
    PacketVerify1 mine = v.verify1();
    PacketVerify2 out = v.verify2(mine, fx.v1B[i]);
    if (!Verifier.isValid(out, fx.v2B[i])) {
      throw new IllegalStateException("submission " + i + " rejected");
    }
    accA.aggregate(v, out, fx.v2B[i]);
    return out;
  }

  /** Server B alone; A's round-1 and round-2 packets come from the fixture. */
  @Benchmark
  public PacketVerify2 serverB() throws PrioException {
    int i = nextIndex();
    Verifier v = serverB.setData(fx.forB[i]);
    PacketVerify1 mine = v.verify1();
    PacketVerify2 out = v.verify2(fx.v1A[i], mine);
    if (!Verifier.isValid(fx.v2A[i], out)) {
      throw new IllegalStateException("submission " + i + " rejected");
    }
    accB.aggregate(v, fx.v2A[i], out);
    return out;
  }

  /** Both servers, one after the other on the same core, exchanging their packets directly. */
  @Benchmark
  public boolean bothServers() throws PrioException {
    int i = nextIndex();
    Verifier va = serverA.setData(fx.forA[i]);
    Verifier vb = serverB.setData(fx.forB[i]);
    PacketVerify1 v1a = va.verify1();
    PacketVerify1 v1b = vb.verify1();
    PacketVerify2 v2a = va.verify2(v1a, v1b);
    PacketVerify2 v2b = vb.verify2(v1a, v1b);
    boolean valid = Verifier.isValid(v2a, v2b);
    if (!valid) {
      throw new IllegalStateException("submission " + i + " rejected");
    }
    accA.aggregate(va, v2a, v2b);
    accB.aggregate(vb, v2a, v2b);
    return valid;
  }
}
