package dev.prio.core.ndjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.ndjson.LineReader.Ends;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  /** What a sink saw: the text (null when too long), length, offset and number. */
  record Line(String text, int length, long offset, int number) {}

  @Test
  void splitsAtNewlinesWithOffsetsAndPhysicalNumbers() throws IOException {
    String in = "{\"a\":1}\n\n  \t\r\n{\"b\":2}\r\n\u00a0\n{\"c\":3}";
    assertThat(read(new LineReader(Ends.LF, false, 100), bytes(in), 0, 1 << 20))
        .containsExactly(
            new Line("{\"a\":1}", 7, 0, 1),
            // the \r stays: JSON takes it as white space and the range is what gets read back
            new Line("{\"b\":2}\r", 8, 14, 4),
            // only JSON white space is blank here; a no-break space is the caller's call
            new Line("\u00a0", 2, 23, 5),
            new Line("{\"c\":3}", 7, 26, 6));
  }

  @Test
  void aRangeReportsOffsetsFromWhereItStarts() throws IOException {
    assertThat(read(new LineReader(Ends.LF, false, 100), bytes("x\ny\n"), 1000, 1 << 20))
        .containsExactly(new Line("x", 1, 1000, 1), new Line("y", 1, 1002, 2));
  }

  @Test
  void dropsAByteOrderMarkOnlyAtTheStartAndOnlyWhenAsked() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] data = concat(bom, bytes("a\n"), bom, bytes("b"));
    LineReader dropping = new LineReader(Ends.LF, true, 100);
    assertThat(read(dropping, data, 0, 1))
        .containsExactly(new Line("a", 1, 3, 1), new Line("\uFEFFb", 4, 5, 2));
    assertThat(read(new LineReader(Ends.LF, false, 100), data, 0, 1 << 20).get(0))
        .isEqualTo(new Line("\uFEFFa", 4, 0, 1));
    assertThat(read(dropping, bom, 0, 1)).isEmpty();
    byte[] partial = {(byte) 0xEF, (byte) 0xBB};
    assertThat(read(dropping, partial, 0, 1))
        .containsExactly(new Line(new String(partial, StandardCharsets.UTF_8), 2, 0, 1));
    assertThat(read(dropping, new byte[0], 0, 1)).isEmpty();
  }

  @Test
  void aLineOverTheBoundIsReportedWithoutItsBytesAndTheNextOneStaysInPlace() throws IOException {
    String in = "12345\n123456\n" + "x".repeat(200_000) + "\nok";
    assertThat(read(new LineReader(Ends.LF, false, 5), bytes(in), 0, 1 << 16))
        .containsExactly(
            new Line("12345", 5, 0, 1),
            new Line(null, 6, 6, 2),
            new Line(null, 200_000, 13, 3),
            new Line("ok", 2, 200_014, 4));
  }

  @Test
  void universalNewlinesSplitAsPythonAndBufferedReaderDo() throws IOException {
    String in = "a\r\nb\rc\n\r\rd\r";
    assertThat(read(new LineReader(Ends.UNIVERSAL, false, 100), bytes(in), 0, 1))
        .containsExactly(
            new Line("a", 1, 0, 1),
            new Line("b", 1, 3, 2),
            new Line("c", 1, 5, 3),
            new Line("d", 1, 9, 6));
  }

  /**
   * Random text, read in random-sized pieces (so a \r\n and a bound can straddle two reads),
   * against a byte loop and, for universal newlines, BufferedReader.readLine.
   */
  @Test
  void agreesWithAByteLoopWhateverTheReadSizes() throws IOException {
    Random random = new Random(13);
    byte[] alphabet = {
      'a', '{', ' ', '\t', '\r', '\n', '\n', (byte) 0xEF, (byte) 0xBB, (byte) 0xBF
    };
    for (int round = 0; round < 3000; round++) {
      byte[] b = new byte[random.nextInt(60)];
      for (int i = 0; i < b.length; i++) {
        b[i] = alphabet[random.nextInt(alphabet.length)];
      }
      Ends ends = random.nextBoolean() ? Ends.LF : Ends.UNIVERSAL;
      LineReader reader = new LineReader(ends, random.nextBoolean(), 1 + random.nextInt(12));
      long base = random.nextInt(3) * 1000L;
      assertThat(read(reader, b, base, 1 + random.nextInt(9)))
          .as("%s over %s", reader, Arrays.toString(b))
          .isEqualTo(naive(reader, b, base));
      if (ends == Ends.UNIVERSAL && !reader.dropByteOrderMark()) {
        LineReader unbounded = new LineReader(ends, false, 100);
        assertThat(read(unbounded, b, 0, 7)).extracting(Line::text).isEqualTo(readLines(b));
      }
    }
  }

  @Test
  void aSinkMayThrowItsOwnCheckedException() {
    class Refused extends Exception {}
    assertThatThrownBy(
            () ->
                new LineReader(Ends.LF, false, 10)
                    .read(
                        new ByteArrayInputStream(bytes("a")),
                        0,
                        (bytes, length, offset, number) -> {
                          throw new Refused();
                        }))
        .isInstanceOf(Refused.class);
  }

  private static List<Line> read(LineReader reader, byte[] data, long base, int pieceSize)
      throws IOException {
    List<Line> out = new ArrayList<>();
    reader.read(
        new Pieces(data, pieceSize),
        base,
        (bytes, length, offset, number) ->
            out.add(
                new Line(
                    bytes == null ? null : new String(bytes, 0, length, StandardCharsets.UTF_8),
                    length,
                    offset,
                    number)));
    return out;
  }

  private static List<Line> naive(LineReader reader, byte[] b, long base) {
    List<Line> out = new ArrayList<>();
    int i = 0;
    if (reader.dropByteOrderMark()
        && b.length >= 3
        && b[0] == (byte) 0xEF
        && b[1] == (byte) 0xBB
        && b[2] == (byte) 0xBF) {
      i = 3;
    }
    int number = 1;
    while (i < b.length) {
      int end = i;
      while (end < b.length
          && b[end] != '\n'
          && !(reader.ends() == Ends.UNIVERSAL && b[end] == '\r')) {
        end++;
      }
      String text = new String(b, i, end - i, StandardCharsets.UTF_8);
      if (end - i > reader.maxLineBytes()) {
        out.add(new Line(null, end - i, base + i, number));
      } else if (!text.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r')) {
        out.add(new Line(text, end - i, base + i, number));
      }
      number++;
      i = end + 1;
      if (end + 1 < b.length && b[end] == '\r' && b[end + 1] == '\n') {
        i++;
      }
    }
    return out;
  }

  /** BufferedReader's lines, blank ones (space, tab) left out. */
  private static List<String> readLines(byte[] b) throws IOException {
    List<String> out = new ArrayList<>();
    BufferedReader r = new BufferedReader(new StringReader(new String(b, StandardCharsets.UTF_8)));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      if (!line.chars().allMatch(c -> c == ' ' || c == '\t')) {
        out.add(line);
      }
    }
    return out;
  }

  /** A stream that hands out at most {@code size} bytes per read, as a network stream may. */
  private static final class Pieces extends InputStream {
    private final ByteArrayInputStream in;
    private final int size;

    Pieces(byte[] data, int size) {
      this.in = new ByteArrayInputStream(data);
      this.size = size;
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return in.read(b, off, Math.min(len, size));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
