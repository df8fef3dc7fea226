package dev.prio.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.error.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Staged {@code *.parquet} input through the {@link SubmissionReader}: rows located like lines and
 * read back by range across row groups, the verdicts ndjson lines get, and a file that is not
 * input.
 */
class ParquetInputTest {
  @TempDir Path root;

  private SubmissionReader reader(int maxLineBytes) throws IOException {
    return new SubmissionReader(
        new FileObjectStore(root), JsonMapper.builder().build(), maxLineBytes);
  }

  private static byte[] payload(int i) {
    byte[] p = new byte[100];
    Arrays.fill(p, (byte) i);
    return p;
  }

  private record Where(int file, long offset, int length, String id, int crc) {}

  private List<Where> locate(SubmissionReader r, List<String> files) throws IOException {
    List<Where> out = new ArrayList<>();
    r.locate(
        files,
        (file, offset, length, id, reject, crc) ->
            out.add(new Where(file, offset, length, id, crc)));
    return out;
  }

  @Test
  void rowsAreLocatedLikeLinesAndReadBackByRangeAcrossRowGroups() throws Exception {
    List<ParquetFiles.Row> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(new ParquetFiles.Row("id-" + i, payload(i)));
    }
    Path file = ParquetFiles.write(root.resolve("in/part-1.parquet"), 600, rows);
    assertThat(ParquetFiles.rowGroups(file)).as("several row groups").isGreaterThan(5);
    Files.writeString(root.resolve("in/part-0.ndjson"), "{\"id\": \"n\", \"payload\": \"AAE=\"}\n");
    Files.writeString(root.resolve("in/_SUCCESS"), "");
    SubmissionReader r = reader(1 << 16);
    List<String> files = r.files("in/");
    assertThat(files).containsExactly("in/part-0.ndjson", "in/part-1.parquet");

    List<Where> where = locate(r, files);
    assertThat(where).hasSize(51);
    for (int i = 0; i < 50; i++) {
      Where w = where.get(i + 1);
      assertThat(w.file()).isEqualTo(1);
      assertThat(w.id()).isEqualTo("id-" + i);
      // consecutive rows sit one "newline" apart, as consecutive lines do
      assertThat(w.offset()).isEqualTo(2L * i);
      assertThat(w.length()).isEqualTo(1);
    }
    // rows 7..23, the range as the scan would record it (first start to last end)
    Where first = where.get(8);
    Where last = where.get(24);
    List<SubmissionReader.Located> back =
        r.readRange(
            "in/part-1.parquet", first.offset(), last.offset() + last.length() - first.offset());
    assertThat(back).hasSize(17);
    for (int k = 0; k < back.size(); k++) {
      SubmissionReader.Located l = back.get(k);
      Where w = where.get(8 + k);
      assertThat(l.offset()).isEqualTo(w.offset());
      assertThat(l.crc()).isEqualTo(w.crc());
      assertThat(l.line().id()).isEqualTo("id-" + (7 + k));
      assertThat(l.line().ciphertext()).isEqualTo(payload(7 + k));
    }
    List<String> all = new ArrayList<>();
    r.forEach("in/", line -> all.add(line.id()));
    assertThat(all).hasSize(51).startsWith("n", "id-0").endsWith("id-49");
  }

  @Test
  void rowsGetTheVerdictsLinesGet() throws Exception {
    ParquetFiles.write(
        root.resolve("in/a.parquet"),
        ParquetFiles.OPTIONAL,
        1 << 20,
        CompressionCodecName.UNCOMPRESSED,
        List.of(
            new ParquetFiles.Row("ok", payload(1)),
            new ParquetFiles.Row(null, payload(2)),
            new ParquetFiles.Row("bad\u0000id", payload(3)),
            new ParquetFiles.Row(" ", payload(4)),
            new ParquetFiles.Row("no-payload", null),
            new ParquetFiles.Row("too-big", new byte[300])));
    ParquetFiles.write(
        root.resolve("in/b.parquet"),
        ParquetFiles.LONG_IDS,
        1 << 20,
        CompressionCodecName.UNCOMPRESSED,
        List.of(new ParquetFiles.Row(7L, payload(7)), new ParquetFiles.Row(-1L, payload(8))));
    Map<Integer, InputLine> lines = new HashMap<>();
    List<InputLine> all = new ArrayList<>();
    reader(256).forEach("in/", all::add);
    for (int i = 0; i < all.size(); i++) {
      lines.put(i, all.get(i));
    }
    assertThat(all).hasSize(8);
    assertThat(lines.get(0).isOk()).isTrue();
    assertThat(lines.get(0).ciphertext()).isEqualTo(payload(1));
    for (int i : new int[] {1, 2, 3}) {
      assertThat(lines.get(i).id()).as("row %d", i).isNull();
      assertThat(lines.get(i).reject()).isEqualTo(RejectReason.MALFORMED_LINE);
    }
    assertThat(lines.get(4).id()).isEqualTo("no-payload");
    assertThat(lines.get(4).reject()).isEqualTo(RejectReason.MALFORMED_LINE);
    assertThat(lines.get(5).id()).isEqualTo("too-big");
    assertThat(lines.get(5).reject()).isEqualTo(RejectReason.MALFORMED_LINE);
    assertThat(lines.get(6).id()).isEqualTo("7");
    assertThat(lines.get(6).isOk()).isTrue();
    assertThat(lines.get(7).id()).isEqualTo("-1");
    assertThat(lines.get(6).where()).isEqualTo("in/b.parquet#0");
  }

  @Test
  void aParquetFileWithoutTheColumnsIsNotInput() throws Exception {
    ParquetFiles.write(
        root.resolve("in/x.parquet"),
        MessageTypeParser.parseMessageType("message s { required binary id (STRING); }"),
        1 << 20,
        CompressionCodecName.UNCOMPRESSED,
        List.of(new ParquetFiles.Row("a", null)));
    assertThatThrownBy(() -> reader(256).forEach("in/", line -> {}))
        .isInstanceOf(InputUnreadableException.class)
        .hasMessageContaining("in/x.parquet: no column payload");
    Files.write(root.resolve("in/x.parquet"), "not parquet".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> reader(256).forEach("in/", line -> {}))
        .isInstanceOf(InputUnreadableException.class)
        .hasMessageContaining("in/x.parquet: not readable as Parquet input");
  }

  /** What make_fixtures.py stores as row {@code i}'s payload. */
  private static byte[] fixturePayload(int i) {
    byte[] p = new byte[80];
    for (int k = 0; k < 40; k++) {
      p[k] = (byte) ((i * 37 + k * 101) % 256);
      p[40 + k] = (byte) (i % 7);
    }
    return p;
  }

  private void copyFixture(String name) throws IOException {
    try (var in = getClass().getResourceAsStream("/parquet/" + name)) {
      Files.createDirectories(root.resolve("in"));
      Files.write(root.resolve("in/" + name), in.readAllBytes());
    }
  }

  /** Files written by pyarrow (Arrow's C++ writer) with each codec the servers read. */
  @Test
  void anotherWritersSnappyGzipAndZstdFilesAreRead() throws Exception {
    for (String codec : List.of("snappy", "gzip", "zstd", "snappy-int64")) {
      copyFixture("pyarrow-" + codec + ".parquet");
    }
    List<InputLine> all = new ArrayList<>();
    reader(1 << 10).forEach("in/", all::add);
    assertThat(all).hasSize(4 * 30);
    for (int f = 0; f < 4; f++) {
      // name order: gzip, snappy-int64, snappy, zstd
      boolean numeric = f == 1;
      for (int i = 0; i < 30; i++) {
        InputLine line = all.get(30 * f + i);
        assertThat(line.isOk()).as("file %d row %d", f, i).isTrue();
        assertThat(line.id()).isEqualTo(numeric ? Integer.toString(1000 + i) : "id-" + i);
        assertThat(line.ciphertext()).as(line.where()).isEqualTo(fixturePayload(i));
      }
    }
    // and by range: rows 9..20 of the zstd file span three of its row groups of 8
    List<SubmissionReader.Located> back =
        reader(1 << 10).readRange("in/pyarrow-zstd.parquet", 18, 23);
    assertThat(back).extracting(l -> l.line().id()).first().isEqualTo("id-9");
    assertThat(back).hasSize(12);
  }

  @Test
  void otherCodecsAreRefusedByName() throws Exception {
    for (String codec : List.of("lz4", "brotli")) {
      copyFixture("pyarrow-" + codec + ".parquet");
      assertThatThrownBy(() -> reader(1 << 10).forEach("in/", line -> {}))
          .isInstanceOf(InputUnreadableException.class)
          .hasMessageContaining("in/pyarrow-" + codec + ".parquet: column [id] is compressed with")
          .hasMessageContaining(codec.toUpperCase(java.util.Locale.ROOT));
      Files.delete(root.resolve("in/pyarrow-" + codec + ".parquet"));
    }
  }

  /**
   * A flipped byte inside a compressed page: the page's CRC (or the codec) refuses it, so the file
   * is unreadable input rather than rows with other bytes.
   */
  @Test
  void aDamagedCompressedPageIsUnreadableInput() throws Exception {
    for (CompressionCodecName codec :
        List.of(CompressionCodecName.SNAPPY, CompressionCodecName.GZIP)) {
      List<ParquetFiles.Row> rows = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        rows.add(new ParquetFiles.Row("id-" + i, randomPayload(i)));
      }
      Path file = root.resolve("in/d.parquet");
      ParquetFiles.write(file, ParquetFiles.STRING_IDS, 1 << 20, codec, rows);
      assertThat(all()).as("%s before the flip", codec).hasSize(20);
      byte[] bytes = Files.readAllBytes(file);
      // snappy keeps random bytes as literals: flip one of row 7's; gzip: mid-file, in the payloads
      int at =
          codec == CompressionCodecName.SNAPPY
              ? indexOf(bytes, Arrays.copyOf(randomPayload(7), 16)) + 5
              : bytes.length / 2;
      assertThat(at).isGreaterThan(5);
      bytes[at] ^= 0x10;
      Files.write(file, bytes);
      assertThatThrownBy(this::all)
          .as("%s after the flip", codec)
          .isInstanceOf(InputUnreadableException.class)
          .hasMessageContaining("in/d.parquet: not readable as Parquet input");
    }
  }

  private List<InputLine> all() throws IOException {
    List<InputLine> all = new ArrayList<>();
    reader(1 << 12).forEach("in/", all::add);
    return all;
  }

  private static byte[] randomPayload(int i) {
    byte[] p = new byte[1000];
    new java.util.Random(i).nextBytes(p);
    return p;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
