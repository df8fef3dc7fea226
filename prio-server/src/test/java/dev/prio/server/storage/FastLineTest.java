package dev.prio.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** {@link FastLine} either gives Jackson's verdict for a line or declines it. */
class FastLineTest {
  @TempDir Path dir;

  @Test
  void agreesWithTheGeneralPathOrDeclines() throws Exception {
    SubmissionReader reader =
        new SubmissionReader(new FileObjectStore(dir), JsonMapper.builder().build(), 1 << 16);
    List<String> lines =
        List.of(
            "{\"id\": \"a\", \"payload\": \"AAEC\"}",
            "{\"payload\":\"AAEC\",\"id\":\"b\"}",
            "  {\"id\" : \"c\" ,\t\"payload\" : \"AAE=\" }  \r",
            "{\"id\": \"d\", \"payload\": \"AAE\"}",
            "{\"id\": \"e\", \"payload\": \"***\"}",
            "{\"id\": \"f\", \"payload\": \"\"}",
            "{\"id\": \"\", \"payload\": \"AAEC\"}",
            "{\"id\": \"" + "x".repeat(201) + "\", \"payload\": \"AAEC\"}",
            "{\"id\": 12, \"payload\": \"AAEC\"}",
            "{\"id\": \"g\\u0041\", \"payload\": \"AAEC\"}",
            "{\"id\": \"h\", \"payload\": \"AA\\nEC\"}",
            "{\"id\": \"é\", \"payload\": \"AAEC\"}",
            "{\"id\": \"i\", \"payload\": \"AAEC\", \"x\": 1}",
            "{\"id\": \"j\", \"id\": \"k\", \"payload\": \"AAEC\"}",
            "{\"id\": \"l\", \"payload\": \"AAEC\"} trailing",
            "{\"id\": \"m\", \"payload\": \"AAEC\"",
            "{\"id\": \"n\" \"payload\": \"AAEC\"}",
            "{\"id\": \"o\", \"payload\": \"AA EC\"}",
            "[\"id\", \"payload\"]",
            "{\"id\": \"p\", \"payload\": \"AA\\\"}\"}",
            "{\"id\": \"q\", \"payload\": \"AAEC\" }  ",
            "{\"id\": \"r\", \"payload\": \"AAEC\"}}",
            "{\"id\": \"s\", \"payload\": \"AA==\", \"x\": \"y\"}",
            "{\"id\": \"t\", \"payload\": \"\"}",
            "{\"id\": \"u\", \"payload\": \"AA\"}\"}");
    int fast = 0;
    for (String line : lines) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      for (boolean decode : new boolean[] {true, false}) {
        InputLine general = reader.general(b, b.length, "w", decode);
        InputLine quick = FastLine.parse(b, b.length, "w", decode);
        if (quick != null) {
          fast++;
          assertThat(quick.id()).as(line).isEqualTo(general.id());
          assertThat(quick.reject()).as(line).isEqualTo(general.reject());
          assertThat(quick.ciphertext()).as(line).isEqualTo(general.ciphertext());
        }
      }
    }
    assertThat(fast).as("the common shapes take the fast path").isGreaterThanOrEqualTo(12);
  }
}
