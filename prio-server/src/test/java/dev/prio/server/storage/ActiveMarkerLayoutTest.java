package dev.prio.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * A marker names its batch and nothing else: it reads back as the same key, sits in no batch's
 * state directory, and is never taken for a batch.json.
 */
class ActiveMarkerLayoutTest {
  private static final LocalDate DATE = LocalDate.of(2026, 1, 2);

  @Test
  void aMarkerReadsBackAsItsBatch() {
    for (BatchKey key :
        new BatchKey[] {
          new BatchKey(DATE, "content.blocking_blocked_TESTONLY-0"),
          new BatchKey(DATE, "a..b", "h07"),
          new BatchKey(DATE, "x", "h07m30")
        }) {
      String marker = StorageLayout.activeMarker(key);
      assertThat(marker).startsWith(StorageLayout.activeMarkers()).doesNotEndWith("batch.json");
      assertThat(StorageLayout.activeBatch(marker)).contains(key);
      assertThat(marker).doesNotStartWith(StorageLayout.stateDir(key));
    }
  }

  @Test
  void noOtherStateObjectIsTakenForAMarker() {
    BatchKey key = new BatchKey(DATE, "x");
    assertThat(StorageLayout.activeBatch(StorageLayout.batchState(key))).isEmpty();
    assertThat(StorageLayout.activeBatch(StorageLayout.activeMarkers() + "junk")).isEmpty();
    assertThat(
            StorageLayout.activeBatch(
                StorageLayout.activeMarkers() + "submission_date=2026-13-40/batch_id=x"))
        .isEmpty();
    assertThat(
            StorageLayout.activeBatch(
                StorageLayout.activeMarkers() + "submission_date=2026-01-02/batch_id=.."))
        .isEmpty();
    assertThat(StorageLayout.activeMarkers()).startsWith(StorageLayout.allStates());
  }
}
