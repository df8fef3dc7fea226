package dev.prio.server.storage;

import dev.prio.core.error.RejectReason;
import dev.prio.core.ndjson.Base64Bytes;
import dev.prio.core.ndjson.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The shape nearly every input line has, {@code {"id": "<ascii>", "payload": "<base64>"}} (either
 * order, JSON whitespace around the tokens), parsed straight from the line's bytes: no String of
 * the 63 KB payload, no JSON tree, and base64 decoded from the bytes in place. The profile of the
 * pair at 100k submissions put the general path (a String per line, then Jackson's char parser) at
 * over half of A's CPU outside prio-core.
 *
 * <p>Anything else — escapes, non-ASCII or control bytes in a string, numeric ids, other keys, an
 * empty or overlong id — returns null and the general Jackson path decides, so both paths give the
 * same verdict for every line.
 */
final class FastLine {
  private static final byte[] ID = {'i', 'd'};
  private static final byte[] PAYLOAD = {'p', 'a', 'y', 'l', 'o', 'a', 'd'};
  private static final int MAX_ID = 200;

  private FastLine() {}

  /** The line's verdict, or null when it is not in the common shape. */
  static InputLine parse(byte[] b, int len, String where, boolean decode) {
    int i = ws(b, 0, len);
    if (i >= len || b[i] != '{') {
      return null;
    }
    String id = null;
    int payloadFrom = -1;
    int payloadLen = 0;
    for (int member = 0; member < 2; member++) {
      i = ws(b, i + 1, len);
      if (i >= len || b[i] != '"') {
        return null;
      }
      int keyEnd = closingQuote(b, i + 1, len);
      if (keyEnd < 0) {
        return null;
      }
      boolean isId = Arrays.equals(b, i + 1, keyEnd, ID, 0, ID.length);
      boolean isPayload = Arrays.equals(b, i + 1, keyEnd, PAYLOAD, 0, PAYLOAD.length);
      i = ws(b, keyEnd + 1, len);
      if ((!isId && !isPayload) || i >= len || b[i] != ':') {
        return null;
      }
      i = ws(b, i + 1, len);
      if (i >= len || b[i] != '"') {
        return null;
      }
      if (decode && isPayload && id != null) {
        InputLine quick = decodeLastPayload(b, i + 1, len, id, where);
        if (quick != null) {
          return quick;
        }
      }
      int valueEnd = closingQuote(b, i + 1, len);
      int n = valueEnd - i - 1;
      if (valueEnd < 0) {
        return null;
      }
      if (isId) {
        if (id != null || n == 0 || n > MAX_ID) {
          return null;
        }
        id = new String(b, i + 1, n, StandardCharsets.ISO_8859_1);
        if (id.isBlank() || id.indexOf(0x7f) >= 0) {
          return null; // only-whitespace ids and DEL are for the general path to refuse
        }
      } else {
        if (payloadFrom >= 0) {
          return null;
        }
        payloadFrom = i + 1;
        payloadLen = n;
      }
      i = ws(b, valueEnd + 1, len);
      if (i >= len || b[i] != (member == 0 ? ',' : '}')) {
        return null;
      }
    }
    if (id == null || payloadFrom < 0 || ws(b, i + 1, len) != len) {
      return null;
    }
    if (!decode) {
      return InputLine.ok(id, null, where);
    }
    try {
      return InputLine.ok(id, Base64Bytes.decode(b, payloadFrom, payloadLen), where);
    } catch (IllegalArgumentException e) {
      return InputLine.rejected(id, RejectReason.INVALID_BASE64, where);
    }
  }

  /**
   * The payload as the line's last member, without scanning it for its closing quote: the line must
   * end in {@code "}} (JSON whitespace around), and the bytes in between must decode as base64. The
   * basic decoder accepts only the base64 alphabet, so a success means the forward scan would have
   * found the same closing quote. Null otherwise: the forward path decides.
   */
  private static InputLine decodeLastPayload(byte[] b, int from, int len, String id, String where) {
    int end = len;
    while (end > from && (b[end - 1] == ' ' || b[end - 1] == '\t' || b[end - 1] == '\r')) {
      end--;
    }
    if (end < from + 2 || b[end - 1] != '}') {
      return null;
    }
    end--;
    while (end > from && (b[end - 1] == ' ' || b[end - 1] == '\t' || b[end - 1] == '\r')) {
      end--;
    }
    if (end <= from || b[end - 1] != '"') {
      return null;
    }
    byte[] data;
    try {
      data = Base64Bytes.decode(b, from, end - 1 - from);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return InputLine.ok(id, data, where);
  }

  private static int ws(byte[] b, int i, int len) {
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
      i++;
    }
    return i;
  }

  /**
   * Index of the closing quote; -1 if the string has an escape, a control or a non-ASCII byte
   * first.
   */
  private static int closingQuote(byte[] b, int i, int len) {
    int end = Bytes.endOfPlainAscii(b, i, len);
    return end < len && b[end] == '"' ? end : -1;
  }
}
