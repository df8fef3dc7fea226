package dev.prio.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchKeyTest {
  private static final LocalDate DATE = LocalDate.of(2026, 1, 2);

  @ParameterizedTest
  @ValueSource(
      strings = {
        ".",
        "..",
        "...",
        "",
        "a/b",
        "../x",
        "a\\b",
        "a\u0000b",
        "a\nb",
        "a b",
        "é",
        "%2e%2e"
      })
  void refusesIdsThatAreNotOneSafePathSegment(String id) {
    assertThatThrownBy(() -> new BatchKey(DATE, id)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"content.blocking_blocked_TESTONLY-0", "a", ".a", "a..b", "a.", "v1.2_3-x"})
  void acceptsFirefoxBatchIds(String id) {
    assertThat(new BatchKey(DATE, id).batchId()).isEqualTo(id);
  }

  @org.junit.jupiter.api.Test
  void refusesNullAndOverlongIds() {
    assertThatThrownBy(() -> new BatchKey(DATE, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BatchKey(DATE, "x".repeat(201)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
