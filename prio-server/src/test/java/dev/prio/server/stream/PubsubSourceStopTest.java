package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A replica stopped while messages are still arriving: the subscriber keeps handing over messages
 * until it has terminated, and waits for each to be settled before it does. Every one it handed
 * over must be written (or returned) while it shuts down, not after its termination timeout, so a
 * rollout is not held up and the next holder is not kept waiting; and what the stopped replica
 * never got, the next holder stages, each id exactly once.
 */
class PubsubSourceStopTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final BatchKey WINDOW = new BatchKey(LocalDate.parse("2026-11-09"), "stop-0");
  private static final int MESSAGES = 300;

  @TempDir Path root;

  @Test
  void stoppingMidDeliverySettlesWhatArrivesAndTheNextHolderStagesTheRestOnce() throws Exception {
    PubsubEmulator pubsub = PubsubEmulator.get();
    String subscription = "stop-" + UUID.randomUUID().toString().substring(0, 8);
    pubsub.topicWithSubscription(subscription);
    List<String> ids = IntStream.range(0, MESSAGES).mapToObj(i -> "id-" + i).toList();
    pubsub.publish(subscription, ids.stream().map(PubsubSourceStopTest::message).toList());
    ObjectStore store = new FileObjectStore(root);
    StreamProperties props =
        new StreamProperties(
            true,
            PubsubEmulator.PROJECT,
            subscription,
            pubsub.host(),
            1000,
            Duration.ofSeconds(5), // nothing is written by age: only the stop writes
            Duration.ofDays(1),
            Duration.ofHours(1),
            Duration.ofMinutes(5));

    try (Leases r1 = leases(store, "r1");
        Leases r2 = leases(store, "r2")) {
      PubsubSource first = source(store, props, r1);
      first.start();
      // The emulator hands one message per stream every 10 ms: 300 take seconds, so the stop
      // lands while the subscriber is still receiving.
      Thread.sleep(800);
      Instant stopping = Instant.now();
      first.stop();
      Duration stop = Duration.between(stopping, Instant.now());
      assertThat(stop).as("the stop's duration").isLessThan(PubsubSource.STOP_TIMEOUT.dividedBy(2));
      assertThat(stagedIds(store)).as("staged by the stopped replica").isNotEmpty();

      PubsubSource second = source(store, props, r2);
      second.start(); // the first released the lease on its way out
      Instant end = Instant.now().plus(Duration.ofMinutes(1));
      while (stagedIds(store).size() < MESSAGES && Instant.now().isBefore(end)) {
        Thread.sleep(100);
      }
      second.stop();
    }
    assertThat(stagedIds(store)).containsExactlyInAnyOrderElementsOf(ids);
  }

  private static Leases leases(ObjectStore store, String holder) {
    return new Leases(
        store, JSON, Clock.systemUTC(), new LeaseProperties(Duration.ofSeconds(3), holder, true));
  }

  private static PubsubSource source(ObjectStore store, StreamProperties props, Leases leases) {
    Clock clock = Clock.systemUTC();
    IngestLease lease = new IngestLease(leases, StorageLayout.streamLease(), clock);
    StreamIngester ingester =
        new StreamIngester(store, ServerId.B, JSON, props, k -> false, null, lease::confirm, clock);
    return new PubsubSource(ingester, props, lease);
  }

  private static PubsubMessage message(String id) {
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFromUtf8("{\"id\": \"" + id + "\", \"payload\": \"AAAA\"}"))
        .putAttributes("id", id)
        .putAttributes("server", "b")
        .putAttributes("batch_id", WINDOW.batchId())
        .putAttributes("submission_date", WINDOW.submissionDate().toString())
        .build();
  }

  /** Every id in every staged segment of the window, repeats included. */
  private static List<String> stagedIds(ObjectStore store) throws Exception {
    List<String> out = new ArrayList<>();
    for (String key : store.list(StorageLayout.inputPrefix(WINDOW, ServerId.B))) {
      String text = new String(store.read(key).orElseThrow().data(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line).get("id").asString());
        }
      }
    }
    return out;
  }
}
