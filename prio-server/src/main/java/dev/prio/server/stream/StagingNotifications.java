package dev.prio.server.stream;

import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.PubsubMessage;
import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server A: reads the internal bucket's object-finalize notifications and starts the batch whose
 * staged partition a {@link StagingMarker} says is complete, through the operator's own start verb
 * (an existing batch is a no-op, so a marker written twice, a redelivery, or the CronJob running
 * too, starts nothing twice). Every replica may pull: each notification reaches one of them, and
 * starting is idempotent. Everything that is not a marker is acknowledged and dropped; a refused
 * marker is logged with its reason and counted; a start that failed on storage is returned to
 * Pub/Sub.
 */
public final class StagingNotifications {
  private static final Logger log = LoggerFactory.getLogger(StagingNotifications.class);
  private static final int MAX_NAME_LOGGED = 300;

  /**
   * Starts a batch; the outcome says how it went ({@link StagingMarker.Outcome#STARTED} or why
   * not).
   */
  public interface Starter {
    StagingMarker.Outcome start(BatchKey key);
  }

  private final StagingMarker markers;
  private final Starter starter;
  private final Consumer<String> counted;
  private final NotificationProperties props;
  private ManagedChannel channel;
  private Subscriber subscriber;

  /**
   * @param bucket this server's bucket; @param prefix its root's object-name prefix (empty or
   *     ending in '/'); @param counted told each notification's outcome label
   */
  public StagingNotifications(
      NotificationProperties props,
      String bucket,
      String prefix,
      ServerId me,
      Starter starter,
      Consumer<String> counted) {
    this.props = props;
    this.markers = new StagingMarker(bucket, prefix, me);
    this.starter = starter;
    this.counted = counted;
  }

  public synchronized void start() {
    channel = Subscribers.emulatorChannel(props.emulatorHost());
    subscriber =
        Subscribers.build(props.project(), props.subscription(), channel, 100, this::receive);
    subscriber.startAsync().awaitRunning();
    log.info("starting file batches from the staging notifications of {}", props.subscription());
  }

  public synchronized void stop() {
    if (subscriber != null) {
      subscriber.stopAsync();
      try {
        subscriber.awaitTerminated(30, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        log.warn("the notification subscriber did not stop in 30 s");
      }
      subscriber = null;
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  private void receive(PubsubMessage m, AckReplyConsumer reply) {
    StagingMarker.Outcome outcome = handle(m.getAttributesMap());
    counted.accept(outcome.label());
    if (outcome == StagingMarker.Outcome.FAILED) {
      reply.nack();
    } else {
      reply.ack();
    }
  }

  /** What one notification comes to; never throws, so no message is lost to an exception. */
  StagingMarker.Outcome handle(Map<String, String> attributes) {
    String object = printable(attributes.getOrDefault("objectId", ""));
    Optional<BatchKey> key;
    try {
      key = markers.batchOf(attributes);
    } catch (StagingMarker.Refused e) {
      log.warn(
          "staging notification refused ({}): {} '{}'", e.outcome.label(), e.getMessage(), object);
      return e.outcome;
    }
    if (key.isEmpty()) {
      return StagingMarker.Outcome.IGNORED;
    }
    StagingMarker.Outcome outcome;
    try {
      outcome = starter.start(key.get());
    } catch (RuntimeException e) {
      log.warn(
          "could not start batch {} from its marker: {}; redelivered", key.get(), e.toString());
      return StagingMarker.Outcome.FAILED;
    }
    if (outcome == StagingMarker.Outcome.STARTED) {
      log.info("staging of {} complete ('{}'): batch started", key.get(), object);
    } else {
      log.warn(
          "staging notification refused ({}): batch {} not started", outcome.label(), key.get());
    }
    return outcome;
  }

  /** The object name as it may appear in a log line: no control characters, bounded. */
  private static String printable(String name) {
    StringBuilder sb = new StringBuilder();
    name.codePoints()
        .limit(MAX_NAME_LOGGED)
        .forEach(
            c -> {
              if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                sb.append(String.format("\\u%04x", c));
              } else {
                sb.appendCodePoint(c);
              }
            });
    return name.codePointCount(0, name.length()) > MAX_NAME_LOGGED ? sb + "…" : sb.toString();
  }
}
