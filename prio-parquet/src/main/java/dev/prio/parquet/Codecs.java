package dev.prio.parquet;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet's page codecs without Hadoop. parquet-hadoop's own factory goes through Hadoop's codec
 * classes and a full Hadoop {@code Configuration}, which would bring the Hadoop runtime; this one
 * is handed to {@code ParquetReadOptions} and {@code ParquetWriter} instead. It reads the codecs
 * staged input comes in (Spark writes snappy by default, gzip and zstd on request) and writes the
 * ones {@code prio generate|stage --compression} offers; any other codec is not in {@link #READ},
 * and a reader checks that before it reads a page.
 *
 * <p>Every page decompresses to exactly the size its header states, or it is refused: a damaged
 * page fails the read and never becomes different rows.
 */
public final class Codecs implements CompressionCodecFactory {
  public static final Set<CompressionCodecName> READ =
      EnumSet.of(
          CompressionCodecName.UNCOMPRESSED,
          CompressionCodecName.SNAPPY,
          CompressionCodecName.GZIP,
          CompressionCodecName.ZSTD);

  public static final Set<CompressionCodecName> WRITE =
      EnumSet.of(
          CompressionCodecName.UNCOMPRESSED,
          CompressionCodecName.SNAPPY,
          CompressionCodecName.GZIP);

  /**
   * Largest page a header may claim. Writers aim at 1 MiB pages; the bound only keeps a forged
   * header from making a server allocate gigabytes before the page is found wrong.
   */
  static final int MAX_PAGE_BYTES = 256 << 20;

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    if (!WRITE.contains(codec)) {
      throw new IllegalArgumentException("no " + codec + " compressor; write one of " + WRITE);
    }
    return new Compressor(codec);
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    if (!READ.contains(codec)) {
      throw new IllegalArgumentException("no " + codec + " decompressor; read one of " + READ);
    }
    return new Decompressor(codec);
  }

  @Override
  public void release() {
    // nothing pooled: every call compresses or decompresses one page on the heap
  }

  private record Compressor(CompressionCodecName codec) implements BytesInputCompressor {
    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return switch (codec) {
        case SNAPPY -> BytesInput.from(Snappy.compress(bytes.toByteArray()));
        case GZIP -> BytesInput.from(gzip(bytes.toByteArray()));
        default -> bytes;
      };
    }

    @Override
    public CompressionCodecName getCodecName() {
      return codec;
    }

    @Override
    public void release() {}
  }

  private record Decompressor(CompressionCodecName codec) implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int size) throws IOException {
      if (size < 0 || size > MAX_PAGE_BYTES) {
        throw new IOException(codec + " page claims " + size + " bytes uncompressed");
      }
      if (codec == CompressionCodecName.UNCOMPRESSED) {
        if (bytes.size() != size) {
          throw wrongSize(bytes.size(), size);
        }
        return bytes;
      }
      byte[] in = bytes.toByteArray();
      byte[] out = new byte[size];
      int n =
          switch (codec) {
            case SNAPPY -> snappy(in, out);
            case GZIP -> gunzip(in, out);
            default -> zstd(in, out);
          };
      if (n != size) {
        throw wrongSize(n, size);
      }
      return BytesInput.from(out);
    }

    /** As parquet-hadoop's heap decompressor: {@code n} bytes from the input's position. */
    @Override
    public void decompress(ByteBuffer input, int n, ByteBuffer output, int size)
        throws IOException {
      byte[] in = new byte[n];
      input.get(in);
      output.put(decompress(BytesInput.from(in), size).toByteBuffer());
    }

    @Override
    public void release() {}

    private IOException wrongSize(long got, int size) {
      return new IOException(
          codec + " page decompresses to " + got + " bytes, its header says " + size);
    }
  }

  private static int snappy(byte[] in, byte[] out) throws IOException {
    // Checked first: snappy writes the whole decoded length, so a larger one must not be tried.
    int n = Snappy.uncompressedLength(in);
    if (n != out.length) {
      return n;
    }
    return Snappy.uncompress(in, 0, in.length, out, 0);
  }

  /** The whole stream, whose gzip trailer (CRC-32 and length) the JDK checks. */
  private static int gunzip(byte[] in, byte[] out) throws IOException {
    try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(in))) {
      int n = z.readNBytes(out, 0, out.length);
      if (n == out.length && z.read() >= 0) {
        throw new IOException("GZIP page decompresses to more than its header's " + n + " bytes");
      }
      return n;
    }
  }

  private static int zstd(byte[] in, byte[] out) throws IOException {
    try {
      return new ZstdDecompressor().decompress(in, 0, in.length, out, 0, out.length);
    } catch (MalformedInputException e) {
      throw new IOException("ZSTD page is malformed: " + e.getMessage(), e);
    }
  }

  private static byte[] gzip(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(in);
    }
    return out.toByteArray();
  }
}
