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
    String text = String.join("\n",
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
    store.createIfAbsent("in/part-0.ndjson", "{\"id\": \"first\", \"payload\": \"\"}\n".getBytes(StandardCharsets.UTF_8));
    store.createIfAbsent("in/ignored.txt", "junk".getBytes(StandardCharsets.UTF_8));
    List<InputLine> lines = new ArrayList<>();
    new SubmissionReader(store, JsonMapper.builder().build(), 256).forEach("in/", lines::add);

    assertThat(lines).extracting(InputLine::id).containsExactly("first", "a", "7", null, null, null, "b", "c", null, "e");
    assertThat(lines).extracting(InputLine::reject).containsExactly(null, null, null,
        RejectReason.MALFORMED_LINE, RejectReason.MALFORMED_LINE, RejectReason.MALFORMED_LINE, RejectReason.MALFORMED_LINE,
        RejectReason.INVALID_BASE64, RejectReason.MALFORMED_LINE, null);
    assertThat(lines.get(1).ciphertext()).containsExactly(0, 1, 2);
    assertThat(lines.get(9).where()).isEqualTo("in/part-1.ndjson:10");
  }
}
