package dev.prio.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** batch.json with and without a window: a whole-day batch's record is what it was before. */
class BatchStateJsonTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final LocalDate DATE = LocalDate.parse("2026-11-20");
  private static final Instant NOW = Instant.parse("2026-11-21T02:30:00Z");

  @Test
  void aWholeDayStateHasNoWindowFieldAndReadsBackAsTheWholeDay() {
    BatchState day = BatchState.received(new BatchKey(DATE, "b-0"), ServerId.A, 16, NOW);
    JsonNode written = JSON.readTree(JSON.writeValueAsBytes(day));
    List<String> fields = new ArrayList<>(written.propertyNames());
    assertThat(fields).doesNotContain("window").startsWith("submissionDate", "batchId", "role");
    // without a window field it is a batch.json as written before windows, and reads as the day
    BatchState old = JSON.readValue(JSON.writeValueAsBytes(written), BatchState.class);
    assertThat(BatchRepository.key(old)).isEqualTo(new BatchKey(DATE, "b-0"));
  }

  @Test
  void aWindowedStateKeepsItsWindow() {
    BatchKey h07 = new BatchKey(DATE, "b-0", "h07");
    BatchState s = BatchState.received(h07, ServerId.A, 16, NOW);
    BatchState back = JSON.readValue(JSON.writeValueAsBytes(s), BatchState.class);
    assertThat(JSON.readTree(JSON.writeValueAsBytes(s)).get("window").asString()).isEqualTo("h07");
    assertThat(BatchRepository.key(back)).isEqualTo(h07);
    assertThat(BatchRepository.key(back.rerun(false, NOW))).isEqualTo(h07);
  }
}
