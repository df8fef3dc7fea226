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
    StreamTopics topics = StreamTopics.create("crash");
    StreamWindow w = StreamWindow.generate(keys, BATCH, N_DATA, DATE, 80, false, 3);
    var forA = w.messages().get(ServerId.A);

    try (ProcessPair pair =
        topics.streaming(
            new ProcessPair(
                work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]"),
            10)) {
      topics.publish(ServerId.B, w.messages().get(ServerId.B));
      topics.publish(ServerId.B, w.everyTenth(ServerId.B));
      topics.publish(ServerId.A, forA.subList(0, 40));
      topics.publish(ServerId.A, w.everyTenth(ServerId.A).subList(0, 4));
      pair.start();

      Path input = Staging.inputDir(pair.root(ServerId.A), DATE, BATCH, ServerId.A);
      awaitSegment(input, Duration.ofMinutes(1));
      pair.kill9(ServerId.A);
      topics.publish(ServerId.A, forA.subList(40, forA.size()));
      topics.publish(ServerId.A, w.everyTenth(ServerId.A));
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
