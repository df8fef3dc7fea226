package dev.prio.core.ndjson;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into ndjson lines, the one splitter of the servers and the CLI; they differ
 * only in where the bytes come from and in what they make of a line. Every line is reported with
 * its byte offset in the object (the terminator excluded) and its physical line number (1-based,
 * blank lines counted, so an operator finds the line). The rules:
 *
 * <ul>
 *   <li>a line ends at {@code \n} ({@link Ends#LF}: a {@code \r} before it stays in the line, where
 *       JSON takes it as white space, so a line's byte range is what the servers locate and read
 *       back), or at {@code \n}, {@code \r\n} or {@code \r} ({@link Ends#UNIVERSAL}: Python's
 *       universal newlines, as prio-processor's commands read their files);
 *   <li>the last line needs no terminator;
 *   <li>with {@code dropByteOrderMark}, a UTF-8 byte order mark at the very start is not part of
 *       the first line (offsets still count it); anywhere else it is data;
 *   <li>a line that is empty or only JSON white space (space, tab, {@code \r}) is skipped without a
 *       call: it is no record. What else a caller counts as blank is its own business;
 *   <li>a line longer than {@code maxLineBytes} is reported with {@code bytes == null} and its full
 *       length, and is never buffered whole.
 * </ul>
 *
 * @param ends where a line ends
 * @param dropByteOrderMark whether a leading UTF-8 byte order mark is dropped
 * @param maxLineBytes the longest line that is handed over whole
 */
public record LineReader(Ends ends, boolean dropByteOrderMark, int maxLineBytes) {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final int READ_SIZE = 1 << 16;

  /** Which bytes end a line. */
  public enum Ends {
    LF,
    UNIVERSAL
  }

  public LineReader {
    if (ends == null || maxLineBytes < 0) {
      throw new IllegalArgumentException("line ends and a non-negative maxLineBytes are required");
    }
  }

  /** Receives each line that is not blank. */
  public interface Sink<E extends Exception> {
    /**
     * @param bytes the line in {@code [0, length)}, valid only during the call (the buffer is
     *     reused); null when the line is longer than {@code maxLineBytes}
     * @param length the line's length in bytes, terminator excluded
     * @param offset where the line starts: {@code base} plus its position in the stream
     * @param number the physical line number in the stream, from 1
     */
    void line(byte[] bytes, int length, long offset, int number) throws IOException, E;
  }

  /**
   * Every line of {@code in}, which starts at byte {@code base} of its object (0 for a whole file;
   * a ranged read passes where its range starts, and reads only lines that start in the range).
   */
  public <E extends Exception> void read(InputStream in, long base, Sink<E> sink)
      throws IOException, E {
    Pass<E> pass = new Pass<>(sink, base);
    byte[] buf = new byte[READ_SIZE];
    int n = 0;
    if (dropByteOrderMark) {
      n = in.readNBytes(buf, 0, BOM.length);
      if (Arrays.equals(buf, 0, n, BOM, 0, BOM.length)) {
        pass.skip(n);
        n = 0;
      }
    }
    do {
      pass.feed(buf, n);
    } while ((n = in.read(buf)) != -1);
    pass.finish();
  }

  /** One read's state: the line being assembled and where it started. */
  private final class Pass<E extends Exception> {
    private final Sink<E> sink;
    private final LineBuffer line = new LineBuffer(maxLineBytes);
    private long pos;
    private long start;
    private int number = 1;
    // A \r ended the previous buffer: a \n opening the next one belongs to it (UNIVERSAL only).
    private boolean afterCr;

    Pass(Sink<E> sink, long base) {
      this.sink = sink;
      this.pos = base;
      this.start = base;
    }

    void skip(int n) {
      pos += n;
      start = pos;
    }

    void feed(byte[] buf, int n) throws IOException, E {
      int from = 0;
      if (afterCr && n > 0) {
        afterCr = false;
        if (buf[0] == '\n') {
          from = 1;
          start = pos + 1;
        }
      }
      for (int i = end(buf, from, n); i >= 0; i = end(buf, from, n)) {
        line.append(buf, from, i - from);
        emit();
        if (buf[i] == '\r') {
          if (i + 1 == n) {
            afterCr = true;
          } else if (buf[i + 1] == '\n') {
            i++;
          }
        }
        start = pos + i + 1;
        from = i + 1;
      }
      line.append(buf, from, n - from);
      pos += n;
    }

    void finish() throws IOException, E {
      emit();
    }

    private int end(byte[] buf, int from, int to) {
      return ends == Ends.LF
          ? Bytes.indexOfNewline(buf, from, to)
          : Bytes.indexOfLineEnd(buf, from, to);
    }

    private void emit() throws IOException, E {
      if (line.tooLong()) {
        sink.line(null, (int) Math.min(Integer.MAX_VALUE, line.length()), start, number);
      } else if (!isBlank(line.bytes(), (int) line.length())) {
        sink.line(line.bytes(), (int) line.length(), start, number);
      }
      number++;
      line.reset();
    }
  }

  private static boolean isBlank(byte[] b, int len) {
    for (int i = 0; i < len; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }
}
