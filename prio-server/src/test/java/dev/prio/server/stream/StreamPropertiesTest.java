package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamPropertiesTest {
  private static StreamProperties withWindow(String window) {
    return new StreamProperties(
        true,
        "p",
        "s",
        null,
        1000,
        Duration.ofSeconds(5),
        Duration.parse(window),
        Duration.ofHours(1),
        Duration.ofMinutes(5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT24H", "PT1H", "PT30M", "PT15M", "PT1M"})
  void aWindowThatCutsADayIsAccepted(String window) {
    assertThat(withWindow(window).window()).isEqualTo(Duration.parse(window));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "PT7M", "PT90S", "PT48H", "-PT1H", "PT0.5S"})
  void anyOtherLengthIsRefusedAtStartup(String window) {
    assertThatThrownBy(() -> withWindow(window))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prio.stream.window");
  }
}
