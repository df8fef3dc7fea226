package dev.prio.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.vectors.VectorSet;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class DataConfigParserTest {
  @Test
  void readsPrioProcessorsContentJsonInOrder() throws Exception {
    var map =
        DataConfigParser.parse(
            Files.readString(
                VectorSet.vectorsDir("prio-processor/config").resolve("content.json")));
    assertThat(map)
        .containsEntry("content.blocking_blocked_TESTONLY-0", 2046)
        .containsEntry("content.blocking_blocked_TESTONLY-1", 441);
  }

  @Test
  void oneSetOfRules() {
    assertThatThrownBy(() -> DataConfigParser.parse("{}")).hasMessageContaining("JSON list");
    assertThatThrownBy(() -> DataConfigParser.parse("[{\"batch_id\": \"x\", \"n_data\": 0}]"))
        .hasMessageContaining("entry 0");
    assertThatThrownBy(() -> DataConfigParser.parse("[{\"batch_id\": \"x\", \"n_data\": 262144}]"))
        .hasMessageContaining("1..262143");
    assertThatThrownBy(() -> DataConfigParser.parse("[{\"batch_id\": \"x\", \"n_data\": 1.5}]"))
        .hasMessageContaining("entry 0");
    assertThatThrownBy(() -> DataConfigParser.parse("[{\"batch_id\": 1, \"n_data\": 1}]"))
        .hasMessageContaining("entry 0");
    assertThatThrownBy(
            () ->
                DataConfigParser.parse(
                    "[{\"batch_id\": \"x\", \"n_data\": 1}, {\"batch_id\": \"x\", \"n_data\": 2}]"))
        .hasMessage("batch id 'x' is listed twice");
    assertThatThrownBy(() -> DataConfigParser.parse("[")).hasMessageStartingWith("invalid JSON");
  }
}
