package dev.prio.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.prg.PrgKeyMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureHintsTest {

  @Test
  void everySubmissionProofInvalidPointsAtThePrgModeAndNData() {
    String detail =
        FailureHints.tooFewSubmissions(0, 100, Map.of("proof_invalid", 500L), PrgKeyMode.LEGACY);
    assertThat(detail)
        .startsWith("0 valid submissions, minimum 100; 500 of 500 submissions are proof_invalid")
        .contains("prio.batch.prg-mode, here LEGACY, other: HASHED")
        .contains("n_data most likely differs")
        .contains("docs/operations.md");
  }

  @Test
  void almostEveryMeansNinetyPercentOfAllRead() {
    Map<String, Long> ninety = Map.of("proof_invalid", 90L, "valid", 5L, "decrypt_failed", 5L);
    assertThat(FailureHints.tooFewSubmissions(5, 100, ninety, PrgKeyMode.HASHED))
        .contains("90 of 100 submissions are proof_invalid")
        .contains("here HASHED, other: LEGACY");
    Map<String, Long> eightyNine = Map.of("proof_invalid", 89L, "valid", 6L, "decrypt_failed", 5L);
    assertThat(FailureHints.tooFewSubmissions(6, 100, eightyNine, PrgKeyMode.LEGACY))
        .isEqualTo("6 valid submissions, minimum 100");
  }

  @Test
  void wrongLengthEverywherePointsAtNData() {
    String detail =
        FailureHints.tooFewSubmissions(0, 100, Map.of("wrong_length", 40L), PrgKeyMode.LEGACY);
    assertThat(detail)
        .contains("40 of 40 submissions have the wrong length")
        .contains("n_data in DATA_CONFIG")
        .doesNotContain("prg-mode");
  }

  @Test
  void aSmallHonestBatchGetsOnlyTheCounts() {
    assertThat(
            FailureHints.tooFewSubmissions(
                30, 100, Map.of("valid", 30L, "proof_invalid", 2L), PrgKeyMode.LEGACY))
        .isEqualTo("30 valid submissions, minimum 100");
    assertThat(FailureHints.tooFewSubmissions(0, 100, Map.of(), PrgKeyMode.LEGACY))
        .isEqualTo("0 valid submissions, minimum 100");
  }
}
