package dev.prio.bench;

import dev.prio.core.ndjson.Base64Bytes;
import dev.prio.core.snip.RMode;
import java.nio.ByteBuffer;
import java.util.Base64;
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
 * What the servers do to an ndjson payload before {@link ServerBenchmark}'s work starts: base64 of
 * server A's ciphertext (~63 KB at n_data 2046), decoded in place from the line's bytes, by the
 * JDK's decoder and by {@link Base64Bytes}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PayloadBenchmark {
  @Param({"2046"})
  public int nData;

  private byte[][] lines;
  private int[] lengths;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Fixture fx = new Fixture(nData, RMode.CONSTANT);
    lines = new byte[Fixture.POOL][];
    lengths = new int[Fixture.POOL];
    for (int i = 0; i < Fixture.POOL; i++) {
      byte[] text = Base64.getEncoder().encode(fx.forA[i]);
      // where a payload sits in its line: after the id, before the closing quote
      lines[i] = new byte[text.length + 64];
      System.arraycopy(text, 0, lines[i], 48, text.length);
      lengths[i] = text.length;
    }
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) % Fixture.POOL;
    return i;
  }

  @Benchmark
  public ByteBuffer jdkDecoder() {
    int i = nextIndex();
    return Base64.getDecoder().decode(ByteBuffer.wrap(lines[i], 48, lengths[i]));
  }

  @Benchmark
  public byte[] base64Bytes() {
    int i = nextIndex();
    return Base64Bytes.decode(lines[i], 48, lengths[i]);
  }
}
