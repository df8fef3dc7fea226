package dev.prio.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.error.RejectReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class SubmissionReaderTest {
  @TempDir Path dir;

  @Test
  void readsEveryLineShapeWithItsVerdict() throws Exception {
    FileObjectStore store = new FileObjectStore(dir);
    String big = "x".repeat(300);
    String text =
        String.join(
            "\n",
            "{\"id\": \"a\", \"payload\": \"AAEC\"}",
            "{\"id\": 7, \"payload\": \"AAEC\"}",
            "",
            "not json",
            "[1, 2]",
            "{\"payload\": \"AAEC\"}",
            "{\"id\": \"b\"}",
            "{\"id\": \"c\", \"payload\": \"***\"}",
            "{\"id\": \"d\", \"payload\": \"" + big + "\"}",
            "{\"id\": \"e\", \"payload\": \"AAEC\"}");
    store.createIfAbsent("in/part-1.ndjson", text.getBytes(StandardCharsets.UTF_8));
    store.createIfAbsent(
        "in/part-0.ndjson",
        "{\"id\": \"first\", \"payload\": \"\"}\n".getBytes(StandardCharsets.UTF_8));
    store.createIfAbsent("in/ignored.txt", "junk".getBytes(StandardCharsets.UTF_8));
    List<InputLine> lines = new ArrayList<>();
    new SubmissionReader(store, JsonMapper.builder().build(), 256).forEach("in/", lines::add);

    assertThat(lines)
        .extracting(InputLine::id)
        .containsExactly("first", "a", "7", null, null, null, "b", "c", null, "e");
    assertThat(lines)
        .extracting(InputLine::reject)
        .containsExactly(
            null,
            null,
            null,
            RejectReason.MALFORMED_LINE,
            RejectReason.MALFORMED_LINE,
            RejectReason.MALFORMED_LINE,
            RejectReason.MALFORMED_LINE,
            RejectReason.INVALID_BASE64,
            RejectReason.MALFORMED_LINE,
            null);
    assertThat(lines.get(1).ciphertext()).containsExactly(0, 1, 2);
    assertThat(lines.get(9).where()).isEqualTo("in/part-1.ndjson:10");
  }

  @Test
  void dropsAByteOrderMarkAtTheStartOfEachFile() throws Exception {
    FileObjectStore store = new FileObjectStore(dir);
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    store.createIfAbsent(
        "in/part-0.ndjson",
        concat(bom, "{\"id\": \"x\", \"payload\": \"AAEC\"}\n".getBytes(StandardCharsets.UTF_8)));
    store.createIfAbsent(
        "in/part-1.ndjson",
        concat(bom, "{\"id\": \"y\", \"payload\": \"AAEC\"}".getBytes(StandardCharsets.UTF_8)));
    // A BOM anywhere else is not a BOM: that line is malformed.
    store.createIfAbsent(
        "in/part-2.ndjson",
        concat(
            "{\"id\": \"z\", \"payload\": \"AAEC\"}\n".getBytes(StandardCharsets.UTF_8),
            concat(
                bom, "{\"id\": \"w\", \"payload\": \"AAEC\"}".getBytes(StandardCharsets.UTF_8))));
    // A file holding only a BOM (or only part of one) has no submissions, and is not an error.
    store.createIfAbsent("in/part-3.ndjson", bom);
    store.createIfAbsent("in/part-4.ndjson", new byte[] {(byte) 0xEF});
    List<InputLine> lines = read(store, 256);

    assertThat(lines).extracting(InputLine::id).containsExactly("x", "y", "z", null, null);
    assertThat(lines)
        .extracting(InputLine::reject)
        .containsExactly(
            null, null, null, RejectReason.MALFORMED_LINE, RejectReason.MALFORMED_LINE);
  }

  @Test
  void blankLinesAreNotSubmissions() throws Exception {
    FileObjectStore store = new FileObjectStore(dir);
    String text =
        "\n  \n\t\r\n{\"id\": \"a\", \"payload\": \"AAEC\"}\r\n\r\n \u00a0\u2003 \n{\"id\": \"b\", \"payload\": \"AAEC\"}\n\n";
    store.createIfAbsent("in/part-0.ndjson", text.getBytes(StandardCharsets.UTF_8));
    List<InputLine> lines = read(store, 256);

    assertThat(lines).extracting(InputLine::id).containsExactly("a", "b");
    assertThat(lines).allMatch(InputLine::isOk);
    // Physical line numbers, so an operator finds the line.
    assertThat(lines)
        .extracting(InputLine::where)
        .containsExactly("in/part-0.ndjson:4", "in/part-0.ndjson:7");
  }

  @Test
  void readsOnlyNdjsonObjects() throws Exception {
    FileObjectStore store = new FileObjectStore(dir);
    String line = "{\"id\": \"a\", \"payload\": \"AAEC\"}\n";
    store.createIfAbsent("in/part-0.ndjson", line.getBytes(StandardCharsets.UTF_8));
    store.createIfAbsent("in/manifest.json", line.getBytes(StandardCharsets.UTF_8));
    store.createIfAbsent("in/part-1.ndjson.tmp", line.getBytes(StandardCharsets.UTF_8));
    store.createIfAbsent("in/_SUCCESS", line.getBytes(StandardCharsets.UTF_8));

    assertThat(new SubmissionReader(store, JsonMapper.builder().build(), 256).files("in/"))
        .containsExactly("in/part-0.ndjson");
    assertThat(read(store, 256)).hasSize(1);
  }

  @Test
  void idsArePrintableStringsOrIntegers() throws Exception {
    FileObjectStore store = new FileObjectStore(dir);
    List<String> bad =
        List.of(
            "\"\"",
            "\"   \"",
            "\"a\\u0000b\"",
            "\"a\\nb\"",
            "\"a\\rb\"",
            "\"a\\tb\"",
            "\"\\u007f\"",
            "\"\\u0085x\"",
            "\"a\\u200eb\"",
            "\"\\ufeffa\"",
            "\"a\\u2028b\"",
            "\"\\ud800\"",
            "\"" + "x".repeat(201) + "\"",
            "1.5",
            "true",
            "null",
            "[\"a\"]",
            "{\"a\": 1}");
    List<String> good =
        List.of(
            "\"a\"",
            "\"" + "x".repeat(200) + "\"",
            "\"0f8fad5b-d9cb-469f-a165-70867728950e\"",
            "\"a b\"",
            "\"caf\u00e9 \u4e2d\"",
            "\"\\ud83d\\ude00\"",
            "-3",
            "123456789012345678901234567890");
    StringBuilder text = new StringBuilder();
    for (String id : bad) {
      text.append("{\"id\": ").append(id).append(", \"payload\": \"AAEC\"}\n");
    }
    for (String id : good) {
      text.append("{\"id\": ").append(id).append(", \"payload\": \"AAEC\"}\n");
    }
    store.createIfAbsent("in/part-0.ndjson", text.toString().getBytes(StandardCharsets.UTF_8));
    List<InputLine> lines = read(store, 1024);

    assertThat(lines).hasSize(bad.size() + good.size());
    assertThat(lines.subList(0, bad.size()))
        .allSatisfy(
            l -> {
              assertThat(l.reject()).as(l.where()).isEqualTo(RejectReason.MALFORMED_LINE);
              assertThat(l.id()).as(l.where()).isNull();
            });
    assertThat(lines.subList(bad.size(), lines.size()))
        .extracting(InputLine::id)
        .containsExactly(
            "a",
            "x".repeat(200),
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "a b",
            "caf\u00e9 \u4e2d",
            "\ud83d\ude00",
            "-3",
            "123456789012345678901234567890");
  }

  private List<InputLine> read(FileObjectStore store, int maxLineBytes) throws Exception {
    List<InputLine> lines = new ArrayList<>();
    new SubmissionReader(store, JsonMapper.builder().build(), maxLineBytes)
        .forEach("in/", lines::add);
    return lines;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
