package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FileObjectStore;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * How server A's ingester remembers the windows it closed: a window whose batch could not be
 * started is not retried on every tick while its marker is listed, and is forgotten once the marker
 * is gone, so a window staged again later is closed again instead of ignored until a restart.
 */
class StreamWindowCloseTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final BatchKey WINDOW = new BatchKey(LocalDate.parse("2026-11-07"), "b-0");
  private static final String MARKERS = "prio/v1/stream/windows/";

  @TempDir Path root;

  @Test
  void aClosedWindowIsRememberedWhileListedAndForgottenWithItsMarker() throws Exception {
    ObjectStore store = new FileObjectStore(root);
    ManualClock clock = new ManualClock(Instant.parse("2026-11-09T00:00:00Z"));
    AtomicInteger starts = new AtomicInteger();
    AtomicBoolean refuse = new AtomicBoolean(true);
    StreamIngester ingester =
        new StreamIngester(
            store,
            ServerId.A,
            JSON,
            props(),
            k -> false,
            k -> {
              starts.incrementAndGet();
              if (refuse.get()) {
                throw new IllegalStateException("batch id not in DATA_CONFIG");
              }
            },
            () -> true,
            clock);

    stage(ingester, "id-1");
    List<String> markers = store.list(MARKERS);
    assertThat(markers).as("staging wrote the window's marker").hasSize(1);
    clock.advance(Duration.ofMinutes(6)); // past the quiet period
    ingester.tick();
    assertThat(starts.get()).as("the quiet window is closed").isEqualTo(1);
    ingester.tick();
    assertThat(starts.get())
        .as("not retried on every tick while its marker is listed")
        .isEqualTo(1);

    store.delete(markers.get(0)); // an operator, or another replica, removed it
    ingester.tick();
    refuse.set(false);
    stage(ingester, "id-2");
    assertThat(store.list(MARKERS)).as("staged again: a new marker").hasSize(1);
    clock.advance(Duration.ofMinutes(6));
    ingester.tick();
    assertThat(starts.get()).as("the window staged again is closed again").isEqualTo(2);
    assertThat(store.list(MARKERS)).as("started: its marker is gone").isEmpty();
  }

  private static void stage(StreamIngester ingester, String id) {
    byte[] data =
        ("{\"id\": \"" + id + "\", \"payload\": \"AAAA\"}").getBytes(StandardCharsets.UTF_8);
    Map<String, String> attributes =
        Map.of(
            "id", id, "server", "a", "batch_id", WINDOW.batchId(), "submission_date", "2026-11-07");
    AtomicInteger acked = new AtomicInteger();
    ingester.receive(
        data,
        attributes,
        Instant.parse("2026-11-07T12:00:00Z"),
        new StreamIngester.Ack() {
          @Override
          public void ack() {
            acked.incrementAndGet();
          }

          @Override
          public void nack() {}
        });
    ingester.flushAll();
    assertThat(acked.get()).as("%s staged", id).isEqualTo(1);
  }

  private static StreamProperties props() {
    return new StreamProperties(
        true,
        "p",
        "s",
        null,
        10,
        Duration.ofSeconds(5),
        Duration.ofDays(1),
        Duration.ofHours(1),
        Duration.ofMinutes(5));
  }
}
