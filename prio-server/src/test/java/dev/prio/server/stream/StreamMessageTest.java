package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Which window a message lands in: from what both shares carry, never the publish time alone. */
class StreamMessageTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofDays(1);
  // A's and B's copies are published to different topics at different instants.
  private static final Instant PUBLISHED_A = Instant.parse("2026-11-20T07:59:59.900Z");
  private static final Instant PUBLISHED_B = Instant.parse("2026-11-20T08:00:00.100Z");

  private static Map<String, String> attributes(String... extra) {
    Map<String, String> m = new HashMap<>(Map.of("batch_id", "b-0", "id", "7", "server", "a"));
    for (int i = 0; i < extra.length; i += 2) {
      m.put(extra[i], extra[i + 1]);
    }
    return m;
  }

  private static BatchKey window(Map<String, String> attributes, Instant published, Duration w)
      throws StreamMessage.Malformed {
    return StreamMessage.parse(new byte[] {1, 2}, attributes, published, ServerId.A, JSON, w)
        .window();
  }

  @Test
  void anHourlyWindowComesFromSubmissionTimeWhateverEachTopicsPublishTime() throws Exception {
    Map<String, String> a = attributes("submission_time", "2026-11-20T07:59:59.500Z");
    BatchKey expected = new BatchKey(LocalDate.parse("2026-11-20"), "b-0", "h07");
    assertThat(window(a, PUBLISHED_A, HOUR)).isEqualTo(expected);
    assertThat(window(a, PUBLISHED_B, HOUR)).isEqualTo(expected);
  }

  @Test
  void anOffsetIsReadAsTheUtcInstantItNames() throws Exception {
    Map<String, String> a = attributes("submission_time", "2026-11-21T00:30:00+01:00");
    assertThat(window(a, PUBLISHED_A, HOUR))
        .isEqualTo(new BatchKey(LocalDate.parse("2026-11-20"), "b-0", "h23"));
    assertThat(window(a, PUBLISHED_A, Duration.ofMinutes(30)))
        .isEqualTo(new BatchKey(LocalDate.parse("2026-11-20"), "b-0", "h23m30"));
  }

  @Test
  void dailyWindowsStayWholeDaysAndKeepTheirOldRules() throws Exception {
    assertThat(window(attributes("submission_time", "2026-11-20T07:15:00Z"), PUBLISHED_A, DAY))
        .isEqualTo(new BatchKey(LocalDate.parse("2026-11-20"), "b-0"));
    assertThat(window(attributes("submission_date", "2026-11-19"), PUBLISHED_A, DAY))
        .isEqualTo(new BatchKey(LocalDate.parse("2026-11-19"), "b-0"));
    assertThat(window(attributes(), PUBLISHED_A, DAY))
        .isEqualTo(new BatchKey(LocalDate.parse("2026-11-20"), "b-0"));
  }

  @Test
  void withoutSubmissionTimeAnHourlySettingFallsBackToTheWholeDay() throws Exception {
    assertThat(window(attributes("submission_date", "2026-11-20"), PUBLISHED_A, HOUR))
        .isEqualTo(new BatchKey(LocalDate.parse("2026-11-20"), "b-0"));
  }

  @Test
  void badOrContradictoryTimesAreMalformedNotGuessed() {
    for (String[] bad :
        new String[][] {
          {"submission_time", "07:15"},
          {"submission_time", "2026-11-20T07:15:00"},
          {"submission_time", "2026-11-20 07:15:00Z"},
          {"submission_time", ""},
          {"submission_time", "2026-11-20T07:15:00Z", "submission_date", "2026-11-21"},
          {"submission_date", "../2026-11-20"},
        }) {
      assertThatThrownBy(() -> window(attributes(bad), PUBLISHED_A, HOUR))
          .as(String.join(" ", bad))
          .isInstanceOf(StreamMessage.Malformed.class);
    }
  }
}
