package dev.prio.server.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Parquet's {@link InputFile} over one object of an {@link ObjectStore}: every read the Parquet
 * reader makes becomes a ranged read of the store, so a server fetches a file's footer and then
 * only the column chunks of the row groups it needs, on local files and GCS alike, with no Hadoop
 * file system in between.
 */
final class ObjectInputFile implements InputFile {
  /** Small reads (footer length, page headers) are served from one window of this size. */
  private static final int WINDOW = 64 * 1024;

  private final ObjectStore store;
  private final String key;
  private final long length;

  ObjectInputFile(ObjectStore store, String key) throws IOException {
    this.store = store;
    this.key = key;
    this.length = store.size(key).orElseThrow(() -> new IOException("input vanished: " + key));
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() {
    return new Stream();
  }

  @Override
  public String toString() {
    return key;
  }

  /** Exactly {@code n} bytes from {@code at}: a shorter object means it changed under us. */
  private void readAt(long at, byte[] into, int off, int n) throws IOException {
    try (InputStream in =
        store.open(key, at, n).orElseThrow(() -> new IOException("input vanished: " + key))) {
      int got = in.readNBytes(into, off, n);
      if (got != n) {
        throw new EOFException(key + ": " + n + " bytes wanted at " + at + ", " + got + " read");
      }
    }
  }

  private final class Stream extends SeekableInputStream {
    private long pos;
    private byte[] window = new byte[0];
    private long windowStart;

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) {
      pos = newPos;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - pos);
      readFully(b, off, n);
      return n;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
      if (pos + len > length) {
        throw new EOFException(key + ": read past the end at " + pos);
      }
      if (len >= WINDOW) {
        // Column chunks: one ranged read straight into the caller's buffer.
        readAt(pos, bytes, start, len);
      } else {
        if (pos < windowStart || pos + len > windowStart + window.length) {
          int n = (int) Math.min(WINDOW, length - pos);
          window = new byte[n];
          windowStart = pos;
          readAt(pos, window, 0, n);
        }
        System.arraycopy(window, (int) (pos - windowStart), bytes, start, len);
      }
      pos += len;
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      int n = (int) Math.min(buf.remaining(), length - pos);
      if (n <= 0) {
        return buf.hasRemaining() ? -1 : 0;
      }
      byte[] b = new byte[n];
      readFully(b, 0, n);
      buf.put(b);
      return n;
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      byte[] b = new byte[buf.remaining()];
      readFully(b, 0, b.length);
      buf.put(b);
    }
  }
}
