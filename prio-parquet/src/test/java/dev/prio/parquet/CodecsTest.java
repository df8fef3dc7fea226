package dev.prio.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlift.compress.zstd.ZstdCompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * Pages through {@link Codecs}: each codec written and read back, the written bytes readable by the
 * codec's reference decoder, and a damaged or mis-sized page refused. Files written by another
 * Parquet implementation are read in prio-server's {@code ParquetInputTest}.
 */
class CodecsTest {
  private final Codecs codecs = new Codecs();

  /** Half random bytes (a ciphertext), half repeated text (compressible). */
  private static byte[] page() {
    byte[] b = new byte[40_000];
    new Random(3).nextBytes(b);
    for (int i = 20_000; i < b.length; i++) {
      b[i] = (byte) "id-0001,".charAt(i % 8);
    }
    return b;
  }

  private byte[] compress(CompressionCodecName codec, byte[] page) throws IOException {
    return codecs.getCompressor(codec).compress(BytesInput.from(page)).toByteArray();
  }

  private byte[] decompress(CompressionCodecName codec, byte[] stored, int size)
      throws IOException {
    return codecs.getDecompressor(codec).decompress(BytesInput.from(stored), size).toByteArray();
  }

  @Test
  void everyWrittenCodecReadsBack() throws IOException {
    byte[] page = page();
    for (CompressionCodecName codec : Codecs.WRITE) {
      byte[] stored = compress(codec, page);
      assertThat(decompress(codec, stored, page.length)).as("%s", codec).isEqualTo(page);
      if (codec != CompressionCodecName.UNCOMPRESSED) {
        assertThat(stored.length).as("%s compresses the text half", codec).isLessThan(30_000);
      }
    }
  }

  @Test
  void writtenPagesAreWhatTheReferenceDecodersRead() throws IOException {
    byte[] page = page();
    assertThat(Snappy.uncompress(compress(CompressionCodecName.SNAPPY, page))).isEqualTo(page);
    byte[] gz = compress(CompressionCodecName.GZIP, page);
    assertThat(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes()).isEqualTo(page);
    byte[] zstd = zstd(page);
    assertThat(decompress(CompressionCodecName.ZSTD, zstd, page.length)).isEqualTo(page);
  }

  @Test
  void theByteBufferFormReadsFromTheInputPosition() throws IOException {
    byte[] page = page();
    byte[] stored = compress(CompressionCodecName.SNAPPY, page);
    ByteBuffer in = ByteBuffer.allocate(stored.length + 7);
    in.position(5).put(stored).position(5);
    ByteBuffer out = ByteBuffer.allocate(page.length);
    BytesInputDecompressor d = codecs.getDecompressor(CompressionCodecName.SNAPPY);
    d.decompress(in, stored.length, out, page.length);
    assertThat(in.position()).isEqualTo(5 + stored.length);
    assertThat(out.array()).isEqualTo(page);
  }

  @Test
  void aDamagedPageIsRefusedNotDecodedIntoOtherBytes() throws IOException {
    byte[] page = page();
    for (CompressionCodecName codec : Codecs.READ) {
      if (codec == CompressionCodecName.UNCOMPRESSED) {
        continue;
      }
      byte[] stored = codec == CompressionCodecName.ZSTD ? zstd(page) : compress(codec, page);
      byte[] cut = Arrays.copyOf(stored, stored.length - 9);
      assertThatThrownBy(() -> decompress(codec, cut, page.length))
          .as("%s cut short", codec)
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> decompress(codec, stored, page.length + 1))
          .as("%s with a header claiming one byte more", codec)
          .isInstanceOf(IOException.class);
    }
    // gzip's trailer CRC catches a flipped byte that still inflates
    byte[] gz = compress(CompressionCodecName.GZIP, page);
    gz[gz.length - 6] ^= 1;
    assertThatThrownBy(() -> decompress(CompressionCodecName.GZIP, gz, page.length))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aForgedSizeIsRefusedBeforeAllocating() {
    assertThatThrownBy(
            () -> decompress(CompressionCodecName.SNAPPY, new byte[10], Integer.MAX_VALUE - 8))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("claims");
    assertThatThrownBy(() -> decompress(CompressionCodecName.UNCOMPRESSED, new byte[10], 11))
        .isInstanceOf(IOException.class);
  }

  @Test
  void otherCodecsAreNotOffered() {
    assertThat(Codecs.READ).doesNotContain(CompressionCodecName.LZO, CompressionCodecName.BROTLI);
    assertThatThrownBy(() -> codecs.getDecompressor(CompressionCodecName.LZ4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codecs.getCompressor(CompressionCodecName.ZSTD))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A zstd frame from aircompressor's compressor, which {@link Codecs} does not offer. */
  private static byte[] zstd(byte[] page) {
    ZstdCompressor z = new ZstdCompressor();
    byte[] out = new byte[z.maxCompressedLength(page.length)];
    return Arrays.copyOf(out, z.compress(page, 0, page.length, out, 0, out.length));
  }
}
