package dev.prio.server.storage;

import dev.prio.core.error.RejectReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
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
    for (String file : files(prefix)) {
      try (InputStream in = store.open(file).orElseThrow(() -> new IOException("input vanished: " + file))) {
        readLines(in, file, consumer);
      }
    }
  }

  private void readLines(InputStream in, String file, Consumer<InputLine> consumer) throws IOException {
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
      consumer.accept(parse(line.toByteArray(), where));
    }
  }

  InputLine parse(byte[] bytes, String where) {
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
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
    try {
      return InputLine.ok(id, Base64.getDecoder().decode(payload.asString()), where);
    } catch (IllegalArgumentException e) {
      return InputLine.rejected(id, RejectReason.INVALID_BASE64, where);
    }
  }
}
