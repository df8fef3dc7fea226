package dev.prio.server.stream;

import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription feeding a {@link StreamIngester}, and the ticker that flushes its segments and
 * closes windows. Stopping stops the subscriber first, then writes what it holds, so a graceful
 * shutdown acknowledges everything it staged; a crash leaves unwritten messages unacknowledged, and
 * Pub/Sub redelivers them.
 */
public final class PubsubSource {
  private static final Logger log = LoggerFactory.getLogger(PubsubSource.class);

  private final StreamIngester ingester;
  private final StreamProperties props;
  private ManagedChannel channel;
  private Subscriber subscriber;
  private ScheduledExecutorService ticker;

  public PubsubSource(StreamIngester ingester, StreamProperties props) {
    this.ingester = ingester;
    this.props = props;
  }

  public synchronized void start() {
    Subscriber.Builder b =
        Subscriber.newBuilder(
                ProjectSubscriptionName.of(props.project(), props.subscription()), this::receive)
            .setFlowControlSettings(
                FlowControlSettings.newBuilder()
                    // room for one full segment per window on top of one being written
                    .setMaxOutstandingElementCount(2L * props.segmentMaxSubmissions())
                    .build())
            // short leases, renewed: a crashed server's messages come back within one of them
            .setMaxDurationPerAckExtensionDuration(StreamProperties.ACK_DEADLINE);
    if (props.emulatorHost() != null && !props.emulatorHost().isBlank()) {
      channel = ManagedChannelBuilder.forTarget(props.emulatorHost()).usePlaintext().build();
      b.setChannelProvider(
              FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
          .setCredentialsProvider(NoCredentialsProvider.create());
    }
    subscriber = b.build();
    subscriber.startAsync().awaitRunning();
    long period = Math.max(50, props.flushInterval().toMillis() / 2);
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "prio-stream-tick");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    log.info("streaming from {}/{}", props.project(), props.subscription());
  }

  public synchronized void stop() {
    if (subscriber == null) {
      return;
    }
    ticker.shutdownNow();
    // Held messages are written and acknowledged while the subscriber can still send the acks
    // (it waits for them before it terminates); a message acknowledged too late is redelivered and
    // dropped as a duplicate.
    subscriber.stopAsync();
    ingester.flushAll();
    try {
      subscriber.awaitTerminated(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn("the subscriber did not stop in 30 s");
    }
    ingester.flushAll();
    if (channel != null) {
      channel.shutdownNow();
    }
    subscriber = null;
  }

  private void tick() {
    try {
      ingester.tick();
    } catch (RuntimeException e) {
      log.warn("stream tick failed: {}", e.toString());
    }
  }

  private void receive(PubsubMessage m, AckReplyConsumer reply) {
    Instant published =
        Instant.ofEpochSecond(m.getPublishTime().getSeconds(), m.getPublishTime().getNanos());
    ingester.receive(
        m.getData().toByteArray(),
        m.getAttributesMap(),
        published,
        new StreamIngester.Ack() {
          @Override
          public void ack() {
            reply.ack();
          }

          @Override
          public void nack() {
            reply.nack();
          }
        });
  }
}
