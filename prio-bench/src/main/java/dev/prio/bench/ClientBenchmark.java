package dev.prio.bench;

import dev.prio.core.crypto.KeyPair;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.PrioClient;
import java.security.SecureRandom;
import java.util.Random;
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
 * Client cost of one submission: {@link PrioClient#encode} (SNIP, both packets serialized and
 * encrypted), with the JDK's default SecureRandom as a real client would use; and the SNIP alone
 * ({@link PrioClient#encodePackets}, no serialization or encryption) for the breakdown.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ClientBenchmark {
  @Param({"2046", "441"})
  public int nData;

  private PrioClient client;
  private long[][] values;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    SecureRandom fixed = Fixture.seeded(7);
    KeyPair a = KeyPair.generate(fixed);
    KeyPair b = KeyPair.generate(fixed);
    PrioConfig config = PrioConfig.of(nData, Fixture.BATCH_ID);
    client =
        new PrioClient(config, a.publicKey(), b.publicKey(), PrgKeyMode.LEGACY, new SecureRandom());
    Random bits = new Random(42);
    values = new long[16][];
    for (int i = 0; i < values.length; i++) {
      values[i] = Fixture.randomBits(bits, nData);
    }
  }

  private long[] nextValues() {
    long[] v = values[next];
    next = (next + 1) % values.length;
    return v;
  }

  @Benchmark
  public PrioClient.Submission encode() {
    return client.encode(nextValues());
  }

  @Benchmark
  public PrioClient.Packets encodePacketsOnly() {
    return client.encodePackets(nextValues());
  }
}
