package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the commands read ndjson: Python's universal newlines, physical line numbers, strict UTF-8.
 */
class Files2Test {
  @TempDir Path dir;

  @Test
  void linesEndAtLfCrLfOrCrAndBlankOnesAreSkipped() throws Exception {
    // As Python's open(): "a" \r\n, blank \n, "b" \r, blank "  " \n, "c" without a newline.
    Path file = write("{\"v\": 1}\r\n\n{\"v\": 2}\r  \n{\"v\": 3}");
    List<String> rows = new ArrayList<>();
    Files2.forEachRow(file, (line, row) -> rows.add(line + "=" + ((Map<?, ?>) row).get("v")));
    assertThat(rows).containsExactly("1=1", "3=2", "5=3");
  }

  @Test
  void aLineThatIsNotUtf8IsNamedByItsOwnNumber() throws Exception {
    Path file = dir.resolve("latin1.ndjson");
    byte[] good = "{\"v\": 1}\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = {'{', '"', (byte) 0xe9, '"', ':', '1', '}', '\n'};
    Files.write(file, concat(good, good, bad, good));
    List<Object> seen = new ArrayList<>();
    assertThatThrownBy(() -> Files2.forEachRow(file, (line, row) -> seen.add(row)))
        .isInstanceOf(CliException.class)
        .hasMessage(file + ":3: not valid UTF-8");
    assertThat(seen).hasSize(2);
  }

  @Test
  void invalidJsonStopsAtItsLine() throws Exception {
    Path file = write("{\"v\": 1}\n[1, 2\n{\"v\": 3}\n");
    assertThatThrownBy(() -> Files2.forEachRow(file, (line, row) -> {}))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith(file + ":2: invalid JSON: ");
  }

  @Test
  void aByteOrderMarkIsDataAsInPython() throws Exception {
    // Python's open() with encoding="utf-8" keeps it, and json.loads refuses it.
    Path file = write("\uFEFF{\"v\": 1}\n");
    assertThatThrownBy(() -> Files2.forEachRow(file, (line, row) -> {}))
        .hasMessageStartingWith(file + ":1: invalid JSON: ");
  }

  private Path write(String text) throws Exception {
    return Files.writeString(dir.resolve("in.ndjson"), text);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
