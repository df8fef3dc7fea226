package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.faults.ProcessPair;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server A killed with SIGKILL in the middle of a window, while it holds received messages and has
 * stored segments whose acknowledgements may not have reached Pub/Sub. The restarted A gets every
 * unacknowledged message again; the window must still publish its true sums, each submission
 * counted once.
 */
class StreamCrashTest {
  private static final String BATCH = "content.blocking_blocked-0";
  private static final int N_DATA = 16;
  private static final String DATE = "2026-11-03";

  @TempDir Path work;

  @Test
  void killingAMidWindowLosesAndDoubleCountsNothing() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    PubsubEmulator pubsub = PubsubEmulator.get();
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<ServerId, String> topic =
        Map.of(ServerId.A, "crash-a-" + run, ServerId.B, "crash-b-" + run);
    topic.values().forEach(pubsub::topicWithSubscription);
    StreamWindow w = StreamWindow.generate(keys, BATCH, N_DATA, DATE, 80, false, 3);
    var forA = w.messages().get(ServerId.A);

    try (ProcessPair pair =
        new ProcessPair(
                work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]")
            .with("prio.batch.min-batch-size", "10")
            .with("prio.stream.enabled", "true")
            .with("prio.stream.project", PubsubEmulator.PROJECT)
            .with("prio.stream.emulator-host", pubsub.host())
            .with("prio.stream.segment-max-submissions", "10")
            .with("prio.stream.flush-interval", "200ms")
            .with("prio.stream.close-after", "0s")
            // at least flush-interval + the 10 s ack deadline + a takeover of the ingest lease
            .with("prio.stream.quiet-period", "14s")
            .with("prio.lease.duration", "3s")
            .withRole(ServerId.A, "prio.stream.subscription", topic.get(ServerId.A))
            .withRole(ServerId.B, "prio.stream.subscription", topic.get(ServerId.B))) {
      pubsub.publish(topic.get(ServerId.B), w.messages().get(ServerId.B));
      pubsub.publish(topic.get(ServerId.B), w.everyTenth(ServerId.B));
      pubsub.publish(topic.get(ServerId.A), forA.subList(0, 40));
      pubsub.publish(topic.get(ServerId.A), w.everyTenth(ServerId.A).subList(0, 4));
      pair.start();

      Path input = Staging.inputDir(pair.root(ServerId.A), DATE, BATCH, ServerId.A);
      awaitSegment(input, Duration.ofMinutes(1));
      pair.kill9(ServerId.A);
      pubsub.publish(topic.get(ServerId.A), forA.subList(40, forA.size()));
      pubsub.publish(topic.get(ServerId.A), w.everyTenth(ServerId.A));
      pair.start(ServerId.A);

      String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofMinutes(3));
      assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
      String published = Staging.published(pair.root(ServerId.A), DATE, BATCH);
      assertThat(published)
          .contains("\"payload\":" + w.gen().expectedPayload())
          .contains("\"error\":0,\"total\":" + w.count());
      assertThat(Staging.published(pair.root(ServerId.B), DATE, BATCH)).isEqualTo(published);
    }
  }

  /** Waits until A has stored a first segment of the window: the kill lands mid-window. */
  private static void awaitSegment(Path input, Duration timeout) throws Exception {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      try (Stream<Path> files = Files.list(input)) {
        if (files.anyMatch(p -> p.getFileName().toString().startsWith("stream-"))) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("A stored no segment in " + timeout);
  }
}
