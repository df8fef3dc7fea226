package dev.prio.server.stream;

import com.google.pubsub.v1.PubsubMessage;
import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.PairSettings;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Each server's own topic and subscription on the emulator, named for one test run, and the
 * streaming settings the pair tests share: short flushes and leases so windows close in seconds.
 */
record StreamTopics(PubsubEmulator pubsub, Map<ServerId, String> names) {
  static StreamTopics create(String prefix) throws IOException {
    PubsubEmulator pubsub = PubsubEmulator.get();
    String run = UUID.randomUUID().toString().substring(0, 8);
    StreamTopics t =
        new StreamTopics(
            pubsub, Map.of(ServerId.A, prefix + "-a-" + run, ServerId.B, prefix + "-b-" + run));
    t.names.values().forEach(pubsub::topicWithSubscription);
    return t;
  }

  /** The pair streaming from these subscriptions, at most {@code segmentMax} per segment. */
  <P extends PairSettings<P>> P streaming(P pair, int segmentMax) {
    return pair.with("prio.batch.min-batch-size", "10")
        .with("prio.stream.enabled", "true")
        .with("prio.stream.project", PubsubEmulator.PROJECT)
        .with("prio.stream.emulator-host", pubsub.host())
        .with("prio.stream.segment-max-submissions", Integer.toString(segmentMax))
        .with("prio.stream.flush-interval", "200ms")
        .with("prio.stream.close-after", "0s")
        // at least flush-interval + the 10 s ack deadline + a takeover of the ingest lease
        .with("prio.stream.quiet-period", "14s")
        .with("prio.lease.duration", "3s")
        .withRole(ServerId.A, "prio.stream.subscription", names.get(ServerId.A))
        .withRole(ServerId.B, "prio.stream.subscription", names.get(ServerId.B));
  }

  void publish(ServerId to, List<PubsubMessage> messages) {
    pubsub.publish(names.get(to), messages);
  }
}
