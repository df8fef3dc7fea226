package dev.prio.server.storage;

import dev.prio.core.error.RejectReason;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams every {@code *.ndjson} object under an input prefix (nothing else: a {@code *.json} or
 * {@code _SUCCESS} beside the data is not input), in name order, one line at a time:
 * {@code {"id": "<uuid>" | <int>, "payload": "<standard base64>"}}. Lines longer than the
 * configured bound are skipped without being buffered whole.
 *
 * <p>Edges: a UTF-8 byte order mark at the start of a file is dropped; a blank line (empty or
 * whitespace only) is not a submission and is skipped without a verdict, so it never counts in a
 * batch's {@code total}; every other line is a submission, counted as such or as a reject. An id
 * is an integer or a non-empty string of at most {@value #MAX_ID_CHARS} characters with no
 * control, format, separator-line or lone-surrogate characters (NUL, newline, U+2028, bidi marks…)
 * and not only whitespace; anything else is {@link RejectReason#MALFORMED_LINE}.
 */
public final class SubmissionReader {
  /** Longest accepted string id, in chars. */
  public static final int MAX_ID_CHARS = 200;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

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
      if (key.endsWith(".ndjson")) {
        out.add(key);
      }
    }
    return out;
  }

  /** Feeds every line under the prefix to the consumer, in a stable order. */
  public void forEach(String prefix, Consumer<InputLine> consumer) throws IOException {
    for (String file : files(prefix)) {
      try (InputStream in = store.open(file).orElseThrow(() -> new IOException("input vanished: " + file))) {
        readLines(in, file, consumer);
      }
    }
  }

  private void readLines(InputStream raw, String file, Consumer<InputLine> consumer) throws IOException {
    InputStream in = skipBom(raw);
    byte[] buf = new byte[1 << 16];
    ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    boolean tooLong = false;
    int number = 1;
    int n;
    while ((n = in.read(buf)) != -1) {
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (buf[i] != '\n') {
          continue;
        }
        tooLong = append(line, buf, from, i - from, tooLong);
        emit(line, tooLong, file + ":" + number++, consumer);
        line.reset();
        tooLong = false;
        from = i + 1;
      }
      tooLong = append(line, buf, from, n - from, tooLong);
    }
    emit(line, tooLong, file + ":" + number, consumer);
  }

  /** The stream past a leading UTF-8 byte order mark, if there is one. */
  private static InputStream skipBom(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(BOM.length);
    byte[] head = in.readNBytes(BOM.length);
    if (!Arrays.equals(head, BOM)) {
      in.reset();
    }
    return in;
  }

  /** Appends unless the line is already over the bound; a line over it is dropped, not buffered. */
  private boolean append(ByteArrayOutputStream line, byte[] buf, int from, int len, boolean tooLong) {
    if (tooLong || line.size() + len > maxLineBytes) {
      line.reset();
      return true;
    }
    line.write(buf, from, len);
    return false;
  }

  private void emit(ByteArrayOutputStream line, boolean tooLong, String where, Consumer<InputLine> consumer) {
    if (tooLong) {
      consumer.accept(InputLine.rejected(null, RejectReason.MALFORMED_LINE, where));
    } else if (line.size() > 0) {
      InputLine parsed = parse(line.toByteArray(), where);
      if (parsed != null) {
        consumer.accept(parsed);
      }
    }
  }

  /** The line's verdict, or null for a blank line (not a submission). */
  InputLine parse(byte[] bytes, String where) {
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
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
    try {
      return InputLine.ok(id, Base64.getDecoder().decode(payload.asString()), where);
    } catch (IllegalArgumentException e) {
      return InputLine.rejected(id, RejectReason.INVALID_BASE64, where);
    }
  }

  /**
   * Non-empty, at most {@value #MAX_ID_CHARS} chars, not only whitespace, and no code point of
   * type control (Cc: NUL, newline…), format (Cf: bidi marks, zero-width…), line or paragraph
   * separator, surrogate (a lone half) or unassigned.
   */
  static boolean isPrintableId(String id) {
    if (id.length() > MAX_ID_CHARS || isBlank(id)) {
      return false;
    }
    return id.codePoints().allMatch(cp -> switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE, Character.UNASSIGNED -> false;
      default -> true;
    });
  }

  /** Empty, or only white space in Java's or Unicode's sense (so a no-break space too). */
  static boolean isBlank(String s) {
    return s.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp));
  }
}
