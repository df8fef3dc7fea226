package dev.prio.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.packet.ServerId;
import dev.prio.server.web.WindowParam;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchWindowTest {
  private static final LocalDate DATE = LocalDate.of(2026, 11, 20);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "h24",
        "h7",
        "h007",
        "H07",
        "h07m00",
        "h07m60",
        "h07m3",
        "h07m30x",
        "h07\n",
        " h07",
        "h07/",
        "../h07",
        "..",
        ".",
        "%68%30%37",
        "h\u0660\u0667",
        "window=h07",
        "day",
        "1d"
      })
  void refusesEveryOtherSpelling(String window) {
    assertThatThrownBy(() -> BatchWindow.check(window))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BatchKey(DATE, "b", window))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h00", "h07", "h23", "h00m01", "h07m30", "h23m59"})
  void acceptsTheStartOfAWindow(String window) {
    assertThat(new BatchKey(DATE, "b", window).window()).isEqualTo(window);
    assertThat(new BatchKey(DATE, "b", window).windowed()).isTrue();
  }

  @Test
  void absentOrEmptyIsTheWholeDayAndEqualsTheTwoPartKey() {
    assertThat(new BatchKey(DATE, "b", null)).isEqualTo(new BatchKey(DATE, "b"));
    assertThat(new BatchKey(DATE, "b", "")).isEqualTo(new BatchKey(DATE, "b"));
    assertThat(new BatchKey(DATE, "b").windowed()).isFalse();
    assertThat(new BatchKey(DATE, "b")).hasToString("2026-11-20/b");
    assertThat(new BatchKey(DATE, "b", "h07")).hasToString("2026-11-20/h07/b");
  }

  @Test
  void theWindowHoldingAnInstantIsItsUtcStartRoundedDownToTheLength() {
    Instant at = Instant.parse("2026-11-20T07:45:10Z");
    assertThat(BatchWindow.holding(at, Duration.ofHours(1))).isEqualTo("h07");
    assertThat(BatchWindow.holding(at, Duration.ofMinutes(30))).isEqualTo("h07m30");
    assertThat(BatchWindow.holding(at, Duration.ofMinutes(20))).isEqualTo("h07m40");
    assertThat(BatchWindow.holding(at, Duration.ofHours(6))).isEqualTo("h06");
    assertThat(BatchWindow.holding(at, Duration.ofDays(1))).isEmpty();
    assertThat(BatchWindow.holding(Instant.parse("2026-11-20T00:00:00Z"), Duration.ofHours(1)))
        .isEqualTo("h00");
    assertThat(BatchWindow.holding(Instant.parse("2026-11-20T23:59:59Z"), Duration.ofHours(1)))
        .isEqualTo("h23");
  }

  @Test
  void aWindowEndsItsLengthAfterItsStartButNeverAfterItsDay() {
    Duration hour = Duration.ofHours(1);
    assertThat(BatchWindow.start(DATE, "h07m30")).isEqualTo(Instant.parse("2026-11-20T07:30:00Z"));
    assertThat(BatchWindow.end(DATE, "h07", hour)).isEqualTo(Instant.parse("2026-11-20T08:00:00Z"));
    assertThat(BatchWindow.end(DATE, "h23", hour)).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
    assertThat(BatchWindow.end(DATE, "h23m30", hour))
        .isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
    assertThat(BatchWindow.end(DATE, "", hour)).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
    assertThat(BatchWindow.end(DATE, "h07", Duration.ofDays(1)))
        .isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
  }

  @Test
  void onlyWholeMinutesThatDivideADayCutIt() {
    for (String ok : new String[] {"PT24H", "PT1H", "PT30M", "PT1M", "PT8H", "PT2M"}) {
      assertThat(BatchWindow.dividesADay(Duration.parse(ok))).as(ok).isTrue();
    }
    for (String bad :
        new String[] {"PT0S", "PT30S", "PT7M", "PT1M30S", "PT48H", "PT25H", "-PT1H"}) {
      assertThat(BatchWindow.dividesADay(Duration.parse(bad))).as(bad).isFalse();
    }
  }

  @Test
  void aWholeDayKeepsItsPathsAndAWindowGetsItsOwnBesideThem() {
    BatchKey day = new BatchKey(DATE, "b-0");
    BatchKey h07 = new BatchKey(DATE, "b-0", "h07");
    assertThat(StorageLayout.inputPrefix(day, ServerId.A))
        .isEqualTo("prio/v1/submission_date=2026-11-20/batch_id=b-0/server_id=a/");
    assertThat(StorageLayout.batchState(day))
        .isEqualTo("prio/v1/state/submission_date=2026-11-20/batch_id=b-0/batch.json");
    assertThat(StorageLayout.published(day, 1))
        .isEqualTo("prio/v1/published/submission_date=2026-11-20/batch_id=b-0/data.ndjson");
    assertThat(StorageLayout.inputPrefix(h07, ServerId.B))
        .isEqualTo("prio/v1/submission_date=2026-11-20/window=h07/batch_id=b-0/server_id=b/");
    assertThat(StorageLayout.batchState(h07))
        .isEqualTo("prio/v1/state/submission_date=2026-11-20/window=h07/batch_id=b-0/batch.json");
    assertThat(StorageLayout.published(h07, 2))
        .isEqualTo(
            "prio/v1/published/submission_date=2026-11-20/window=h07/batch_id=b-0/data-v2.ndjson");
    // listing one never lists the other
    assertThat(StorageLayout.stateDir(h07)).doesNotStartWith(StorageLayout.stateDir(day));
    assertThat(StorageLayout.inputPrefix(h07, ServerId.A))
        .doesNotStartWith(StorageLayout.inputPrefix(day, ServerId.A));
  }

  @Test
  void theApiDocumentsStateTheSameSpelling() {
    assertThat(WindowParam.PATTERN).isEqualTo(BatchWindow.PATTERN);
  }
}
