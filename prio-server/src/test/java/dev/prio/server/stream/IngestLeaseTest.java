package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.lease.LeaseProperties;
import dev.prio.server.lease.Leases;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FileObjectStore;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StorageLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas' ingest leases on one store: only one holds it; a holder that was stopped past the
 * lease's expiry (a long pause, a partition) finds it taken over, and its ingester then writes
 * nothing and returns what it holds to Pub/Sub.
 */
class IngestLeaseTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final BatchKey WINDOW = new BatchKey(LocalDate.parse("2026-11-07"), "b-0");

  @TempDir Path root;

  @Test
  void aHolderThatLostTheLeaseWritesNothingAndReturnsWhatItHolds() throws Exception {
    ObjectStore store = new FileObjectStore(root);
    Leases first = leases(store, "r1");
    Leases second = leases(store, "r2");
    IngestLease one = new IngestLease(first, StorageLayout.streamLease(), Clock.systemUTC());
    IngestLease two = new IngestLease(second, StorageLayout.streamLease(), Clock.systemUTC());
    assertThat(one.take()).isTrue();
    assertThat(two.take()).as("r1 holds it").isFalse();

    first.close(); // r1 stops renewing (release-on-shutdown false): as if paused
    Instant end = Instant.now().plusSeconds(30);
    while (!two.take()) {
      assertThat(Instant.now()).as("r2 takes the expired lease over").isBefore(end);
      Thread.sleep(50);
    }
    assertThat(one.confirm()).isFalse();

    Counts stale = new Counts();
    StreamIngester paused = ingester(store, one);
    paused.receive(message("id-1"), attributes("id-1"), Instant.now(), stale);
    paused.flushAll();
    StreamIngester current = ingester(store, two);
    Counts fresh = new Counts();
    current.receive(message("id-2"), attributes("id-2"), Instant.now(), fresh);
    current.flushAll();

    assertThat(stale.nacked.get()).isEqualTo(1);
    assertThat(stale.acked.get()).isZero();
    assertThat(fresh.acked.get()).isEqualTo(1);
    String staged = stagedText(store);
    assertThat(staged).contains("\"id-2\"").doesNotContain("\"id-1\"");
    second.close();
  }

  private static Leases leases(ObjectStore store, String holder) {
    return new Leases(
        store, JSON, Clock.systemUTC(), new LeaseProperties(Duration.ofMillis(600), holder, false));
  }

  private static StreamIngester ingester(ObjectStore store, IngestLease lease) {
    StreamProperties props =
        new StreamProperties(
            true,
            "p",
            "s",
            null,
            10,
            Duration.ofSeconds(5),
            Duration.ofDays(1),
            Duration.ofHours(1),
            Duration.ofMinutes(5));
    return new StreamIngester(
        store, ServerId.B, JSON, props, k -> false, null, lease::confirm, Clock.systemUTC());
  }

  private static byte[] message(String id) {
    return ("{\"id\": \"" + id + "\", \"payload\": \"AAAA\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> attributes(String id) {
    return Map.of(
        "id", id, "server", "b", "batch_id", WINDOW.batchId(), "submission_date", "2026-11-07");
  }

  private static String stagedText(ObjectStore store) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String key : store.list(StorageLayout.inputPrefix(WINDOW, ServerId.B))) {
      sb.append(new String(store.read(key).orElseThrow().data(), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  private static final class Counts implements StreamIngester.Ack {
    final AtomicInteger acked = new AtomicInteger();
    final AtomicInteger nacked = new AtomicInteger();

    @Override
    public void ack() {
      acked.incrementAndGet();
    }

    @Override
    public void nack() {
      nacked.incrementAndGet();
    }
  }
}
