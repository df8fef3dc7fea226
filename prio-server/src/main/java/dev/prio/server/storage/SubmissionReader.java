package dev.prio.server.storage;

import dev.prio.core.error.RejectReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams every {@code *.ndjson} object under an input prefix, in name order, one line at a time:
 * {@code {"id": "<uuid>" | <int>, "payload": "<standard base64>"}}. Lines longer than the
 * configured bound are skipped without being buffered whole.
 */
public final class SubmissionReader {
  private final ObjectStore store;
  private final JsonMapper json;
  private final int maxLineBytes;

  public SubmissionReader(ObjectStore store, JsonMapper json, int maxLineBytes) {
    this.store = store;
    this.json = json;
    this.maxLineBytes = maxLineBytes;
  }

  public List<String> files(String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    for (String key : store.list(prefix)) {
      if (key.endsWith(".ndjson") || key.endsWith(".json")) {
        out.add(key);
      }
    }
    return out;
  }

  /** Feeds every line under the prefix to the consumer, in a stable order. */
  public void forEach(String prefix, Consumer<InputLine> consumer) throws IOException {
    List<String> files = files(prefix);
    for (int f = 0; f < files.size(); f++) {
      String file = files.get(f);
      try (InputStream in = store.open(file).orElseThrow(() -> new IOException("input vanished: " + file))) {
        readLines(in, 0, (bytes, len, offset, number) -> consumer.accept(parse(bytes, len, file + ":" + number, true)));
      }
    }
  }

  /** Receives each line of a file with where it is; {@code id == null} for a line refused before any id. */
  public interface Locator {
    void accept(int file, long offset, int length, String id, RejectReason reject, int crc) throws IOException;
  }

  /**
   * One pass over the files, reporting where every line is (byte offset and length, newline
   * excluded), its id and a CRC32C of its bytes. The payload is not base64-decoded: that happens
   * when the line is read again by range for its chunk.
   */
  public void locate(List<String> files, Locator locator) throws IOException {
    for (int f = 0; f < files.size(); f++) {
      String file = files.get(f);
      int fileIndex = f;
      try (InputStream in = store.open(file).orElseThrow(() -> new IOException("input vanished: " + file))) {
        readLines(in, 0, (bytes, len, offset, number) -> {
          InputLine line = parse(bytes, len, file + ":" + number, false);
          locator.accept(fileIndex, offset, len, line.id(), line.reject(), crc(bytes, len));
        });
      }
    }
  }

  /** The lines that start in {@code [offset, offset + length)} of a file, fully parsed, in order. */
  public List<Located> readRange(String file, long offset, long length) throws IOException {
    List<Located> out = new ArrayList<>();
    try (InputStream in = store.open(file, offset, length).orElseThrow(() -> new IOException("input vanished: " + file))) {
      readLines(in, offset, (bytes, len, at, number) -> out.add(
          new Located(at, len, crc(bytes, len), parse(bytes, len, file + "@" + at, true))));
    }
    return out;
  }

  /** Bytes {@code [offset, offset + length)} of an input object (fewer if it ends first). */
  public byte[] bytes(String file, long offset, int length) throws IOException {
    try (InputStream in = store.open(file, offset, length).orElseThrow(() -> new IOException("input vanished: " + file))) {
      return in.readNBytes(length);
    }
  }

  /** One line given as a slice of a buffer, fully parsed (payload decoded). */
  public InputLine parseLine(byte[] buf, int off, int len, String where) {
    return parse(Arrays.copyOfRange(buf, off, off + len), len, where, true);
  }

  /** A line read by range: where it starts, its length, the CRC32C of its bytes and the parsed line. */
  public record Located(long offset, int length, int crc, InputLine line) {}

  public static int crc(byte[] bytes, int len) {
    return bytes == null ? 0 : crc(bytes, 0, len);
  }

  public static int crc(byte[] bytes, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(bytes, off, len);
    return (int) c.getValue();
  }

  private interface RawLine {
    /** {@code bytes == null}: the line was longer than the bound (its length is still reported). */
    void accept(byte[] bytes, int len, long offset, int number) throws IOException;
  }

  private void readLines(InputStream in, long base, RawLine sink) throws IOException {
    byte[] buf = new byte[1 << 16];
    LineBuffer line = new LineBuffer(maxLineBytes);
    long pos = base;
    long start = base;
    int number = 1;
    int n;
    while ((n = in.read(buf)) != -1) {
      int from = 0;
      for (int i = Bytes.indexOfNewline(buf, 0, n); i >= 0; i = Bytes.indexOfNewline(buf, from, n)) {
        line.append(buf, from, i - from);
        emit(line, start, number++, sink);
        start = pos + i + 1;
        from = i + 1;
      }
      line.append(buf, from, n - from);
      pos += n;
    }
    emit(line, start, number, sink);
  }

  private static void emit(LineBuffer line, long offset, int number, RawLine sink) throws IOException {
    if (line.tooLong()) {
      sink.accept(null, (int) Math.min(Integer.MAX_VALUE, line.length()), offset, number);
    } else if (line.length() > 0) {
      sink.accept(line.bytes(), (int) line.length(), offset, number);
    }
    line.reset();
  }

  InputLine parse(byte[] bytes, String where) {
    return parse(bytes, bytes.length, where, true);
  }

  private InputLine parse(byte[] bytes, int len, String where, boolean decode) {
    if (bytes == null) {
      return InputLine.rejected(null, RejectReason.MALFORMED_LINE, where);
    }
    InputLine fast = FastLine.parse(bytes, len, where, decode);
    return fast != null ? fast : general(bytes, len, where, decode);
  }

  /** Any line through Jackson: the reference {@link FastLine} agrees with. */
  InputLine general(byte[] bytes, int len, String where, boolean decode) {
    String text = new String(bytes, 0, len, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return InputLine.rejected(null, RejectReason.MALFORMED_LINE, where);
    }
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (JacksonException | UncheckedIOException e) {
      return InputLine.rejected(null, RejectReason.MALFORMED_LINE, where);
    }
    if (node == null || !node.isObject()) {
      return InputLine.rejected(null, RejectReason.MALFORMED_LINE, where);
    }
    JsonNode idNode = node.get("id");
    String id;
    if (idNode != null && idNode.isString() && !idNode.asString().isEmpty() && idNode.asString().length() <= 200) {
      id = idNode.asString();
    } else if (idNode != null && idNode.isIntegralNumber()) {
      id = idNode.bigIntegerValue().toString();
    } else {
      return InputLine.rejected(null, RejectReason.MALFORMED_LINE, where);
    }
    JsonNode payload = node.get("payload");
    if (payload == null || !payload.isString()) {
      return InputLine.rejected(id, RejectReason.MALFORMED_LINE, where);
    }
    if (!decode) {
      return InputLine.ok(id, null, where);
    }
    try {
      return InputLine.ok(id, Base64.getDecoder().decode(payload.asString()), where);
    } catch (IllegalArgumentException e) {
      return InputLine.rejected(id, RejectReason.INVALID_BASE64, where);
    }
  }
}
