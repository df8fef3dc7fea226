package dev.prio.server.storage;

import dev.prio.core.error.RejectReason;
import dev.prio.core.ndjson.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams every {@code *.ndjson} object under an input prefix (nothing else: a {@code *.json} or
 * {@code _SUCCESS} beside the data is not input), in name order, one line at a time: {@code {"id":
 * "<uuid>" | <int>, "payload": "<standard base64>"}}, or locates each line (file, byte range, id,
 * CRC32C) so a chunk can later read only its own lines by range. Lines longer than the configured
 * bound are refused without being buffered whole.
 *
 * <p>Edges: the bytes split into lines by prio-core's {@link LineReader} (lines end at {@code \n},
 * a UTF-8 byte order mark at the start of a file is dropped); a blank line (empty or whitespace
 * only, a no-break space included) is not a submission and is skipped without a verdict, so it
 * never counts in a batch's {@code total}; every other line is a submission, counted as such or as
 * a reject. An id is an integer or a non-empty string of at most {@value #MAX_ID_CHARS} characters
 * with no control, format, separator-line or lone-surrogate characters (NUL, newline, U+2028, bidi
 * marks…) and not only whitespace; anything else is {@link RejectReason#MALFORMED_LINE}.
 *
 * <p>{@code *.parquet} objects beside them are input too, read by {@link ParquetRows} with the same
 * verdicts; each row is located as if it were a line (see there), so callers handle both alike.
 */
public final class SubmissionReader {
  /** Longest accepted string id, in chars. */
  public static final int MAX_ID_CHARS = 200;

  private final ObjectStore store;
  private final JsonMapper json;
  // A whole file may open with a byte order mark; a range starts mid-file, where one is data.
  private final LineReader fileLines;
  private final LineReader rangeLines;
  private final ParquetRows parquet;

  public SubmissionReader(ObjectStore store, JsonMapper json, int maxLineBytes) {
    this.store = store;
    this.json = json;
    this.fileLines = new LineReader(LineReader.Ends.LF, true, maxLineBytes);
    this.rangeLines = new LineReader(LineReader.Ends.LF, false, maxLineBytes);
    this.parquet = new ParquetRows(store, maxLineBytes);
  }

  public List<String> files(String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    for (String key : store.list(prefix)) {
      if (key.endsWith(".ndjson") || ParquetRows.isParquet(key)) {
        out.add(key);
      }
    }
    return out;
  }

  /** Feeds every line under the prefix to the consumer, in a stable order. */
  public void forEach(String prefix, Consumer<InputLine> consumer) throws IOException {
    List<String> files = files(prefix);
    for (int f = 0; f < files.size(); f++) {
      if (ParquetRows.isParquet(files.get(f))) {
        parquet.readAll(files.get(f), (row, line, crc) -> consumer.accept(line));
      } else {
        readFile(f, files.get(f), true, (file, line, bytes, len, offset) -> consumer.accept(line));
      }
    }
  }

  /**
   * Receives each line of a file with where it is; {@code id == null} for a line refused before any
   * id.
   */
  public interface Locator {
    void accept(int file, long offset, int length, String id, RejectReason reject, int crc)
        throws IOException;
  }

  /**
   * One pass over the files, reporting where every line is (byte offset and length, newline
   * excluded), its id and a CRC32C of its bytes. The payload is not base64-decoded: that happens
   * when the line is read again by range for its chunk.
   */
  public void locate(List<String> files, Locator locator) throws IOException {
    for (int f = 0; f < files.size(); f++) {
      locate(f, files.get(f), locator);
    }
  }

  /** {@link #locate(List, Locator)} of one file, reported as the file at {@code fileIndex}. */
  public void locate(int fileIndex, String file, Locator locator) throws IOException {
    if (ParquetRows.isParquet(file)) {
      parquet.readAll(
          file,
          (row, line, crc) ->
              locator.accept(
                  fileIndex, ParquetRows.offsetOf(row), 1, line.id(), line.reject(), crc));
    } else {
      readFile(
          fileIndex,
          file,
          false,
          (f, line, bytes, len, offset) ->
              locator.accept(f, offset, len, line.id(), line.reject(), crc(bytes, len)));
    }
  }

  /**
   * The lines that start in {@code [offset, offset + length)} of a file, fully parsed, in order.
   */
  public List<Located> readRange(String file, long offset, long length) throws IOException {
    List<Located> out = new ArrayList<>();
    if (ParquetRows.isParquet(file)) {
      parquet.readRange(
          file,
          offset,
          length,
          (row, line, crc) -> out.add(new Located(ParquetRows.offsetOf(row), 1, crc, line)));
      return out;
    }
    try (InputStream in = present(file, store.open(file, offset, length))) {
      rangeLines.read(
          in,
          offset,
          (bytes, len, at, number) -> {
            InputLine line = parse(bytes, len, file + "@" + at, true);
            if (line != null) {
              out.add(new Located(at, len, crc(bytes, len), line));
            }
          });
    }
    return out;
  }

  /**
   * The lines of an ndjson range whose lengths the scan recorded, in order, each read straight into
   * one buffer and parsed there: no second search for where each line ends, no copy of it. The read
   * ends early, with fewer lines than lengths, where the bytes no longer have that shape (a line
   * not followed by a newline, the object ending first, a length over the bound): the caller's
   * count and digests then say the input changed. Without lengths (a plan stored before they were
   * recorded), and for Parquet rows, this is {@link #readRange}.
   */
  public List<Located> readLines(String file, long offset, long length, int[] lengths)
      throws IOException {
    if (lengths == null || ParquetRows.isParquet(file)) {
      return readRange(file, offset, length);
    }
    long span = lengths.length - 1L;
    for (int len : lengths) {
      span += len;
    }
    List<Located> out = new ArrayList<>(lengths.length);
    byte[] buf = new byte[0];
    try (InputStream in = present(file, store.open(file, offset, span))) {
      long at = offset;
      for (int i = 0; i < lengths.length; i++) {
        int len = lengths[i];
        // each line but the last is read with the newline that must end it
        int want = i + 1 < lengths.length ? len + 1 : len;
        if (len < 0 || len > rangeLines.maxLineBytes()) {
          break;
        }
        if (buf.length < want) {
          buf = new byte[want];
        }
        if (in.readNBytes(buf, 0, want) != want || (want > len && buf[len] != '\n')) {
          break;
        }
        InputLine line = parse(buf, len, file + "@" + at, true);
        if (line != null) {
          out.add(new Located(at, len, crc(buf, len), line));
        }
        at += want;
      }
    }
    return out;
  }

  /**
   * Whether the file's lines are Parquet rows, which {@link #readRange} reads, not {@link #bytes}.
   */
  public static boolean isParquet(String file) {
    return ParquetRows.isParquet(file);
  }

  /** Bytes {@code [offset, offset + length)} of an input object (fewer if it ends first). */
  public byte[] bytes(String file, long offset, int length) throws IOException {
    try (InputStream in = present(file, store.open(file, offset, length))) {
      return in.readNBytes(length);
    }
  }

  private interface ParsedLine {
    /** {@code bytes == null} for a line over the bound. */
    void accept(int file, InputLine line, byte[] bytes, int len, long offset) throws IOException;
  }

  private void readFile(int fileIndex, String file, boolean decode, ParsedLine sink)
      throws IOException {
    try (InputStream in = present(file, store.open(file))) {
      fileLines.read(
          in,
          0,
          (bytes, len, offset, number) -> {
            InputLine line = parse(bytes, len, file + ":" + number, decode);
            if (line != null) {
              sink.accept(fileIndex, line, bytes, len, offset);
            }
          });
    }
  }

  private static InputStream present(String file, Optional<InputStream> in) throws IOException {
    return in.orElseThrow(() -> new IOException("input vanished: " + file));
  }

  /** One located line given as a slice of a buffer, fully parsed (payload decoded). */
  public InputLine parseLine(byte[] buf, int off, int len, String where) {
    InputLine line = parse(Arrays.copyOfRange(buf, off, off + len), len, where, true);
    // A located line is never blank; if its bytes now are, the input changed under it.
    return line != null ? line : InputLine.rejected(null, RejectReason.MALFORMED_LINE, where);
  }

  /**
   * A line read by range: where it starts, its length, the CRC32C of its bytes and the parsed line.
   */
  public record Located(long offset, int length, int crc, InputLine line) {}

  public static int crc(byte[] bytes, int len) {
    return bytes == null ? 0 : crc(bytes, 0, len);
  }

  public static int crc(byte[] bytes, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(bytes, off, len);
    return (int) c.getValue();
  }

  /** The line's verdict; null for a blank line, which is not a submission. */
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
    if (isBlank(text)) {
      return null;
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
    if (idNode != null && idNode.isString() && isPrintableId(idNode.asString())) {
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

  /**
   * Non-empty, at most {@value #MAX_ID_CHARS} chars, not only whitespace, and no code point of type
   * control (Cc: NUL, newline…), format (Cf: bidi marks, zero-width…), line or paragraph separator,
   * surrogate (a lone half) or unassigned.
   */
  static boolean isPrintableId(String id) {
    if (id.length() > MAX_ID_CHARS || isBlank(id)) {
      return false;
    }
    return id.codePoints()
        .allMatch(
            cp ->
                switch (Character.getType(cp)) {
                  case Character.CONTROL,
                      Character.FORMAT,
                      Character.LINE_SEPARATOR,
                      Character.PARAGRAPH_SEPARATOR,
                      Character.SURROGATE,
                      Character.UNASSIGNED ->
                      false;
                  default -> true;
                });
  }

  /** Empty, or only white space in Java's or Unicode's sense (so a no-break space too). */
  static boolean isBlank(String s) {
    return s.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp));
  }
}
