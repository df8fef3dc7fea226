package dev.prio.server.stream;

import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.PubsubMessage;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription feeding a {@link StreamIngester}, and the ticker that flushes its segments and
 * closes windows. Only the replica holding the {@link IngestLease} pulls; the others look for the
 * lease on every tick and take over once it is free. A replica that finds it lost the lease stops
 * pulling and returns what it holds unwritten. Stopping stops the subscriber first, then writes
 * what it holds, so a graceful shutdown acknowledges everything it staged; a crash leaves unwritten
 * messages unacknowledged, and Pub/Sub redelivers them.
 */
public final class PubsubSource {
  private static final Logger log = LoggerFactory.getLogger(PubsubSource.class);

  /** The longest a stop waits for the subscriber to terminate. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration SETTLE_EVERY = Duration.ofMillis(100);

  private final StreamIngester ingester;
  private final StreamProperties props;
  private final IngestLease lease;
  private ManagedChannel channel;
  private Subscriber subscriber;
  private ScheduledExecutorService ticker;
  private boolean stopped;

  public PubsubSource(StreamIngester ingester, StreamProperties props, IngestLease lease) {
    this.ingester = ingester;
    this.props = props;
    this.lease = lease;
  }

  /**
   * Pulls at once if the lease is free (a missing subscription then fails the start), and looks
   * again on every tick.
   */
  public synchronized void start() {
    channel = Subscribers.emulatorChannel(props.emulatorHost());
    if (takeLease()) {
      pull();
    } else {
      log.info(
          "another replica pulls {}; this one waits for {}", props.subscription(), lease.path());
    }
    long period = Math.max(50, props.flushInterval().toMillis() / 2);
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "prio-stream-tick");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  public synchronized void stop() {
    stopped = true;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (subscriber != null) {
      // Held messages are written and acknowledged while the subscriber can still send the acks; a
      // message acknowledged too late is redelivered and dropped as a duplicate. Each write is
      // fenced by the lease, so a replica that lost it returns them instead.
      stopSubscriber(ingester::flushAll);
    }
    lease.release();
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  private synchronized void tick() {
    if (stopped) {
      return;
    }
    try {
      if (subscriber != null && !lease.isHeld()) {
        log.warn("lost {}: this replica stops pulling {}", lease.path(), props.subscription());
        stopSubscriber(ingester::forgetAll);
      }
      if (subscriber == null && takeLease()) {
        pull();
      }
      if (subscriber != null) {
        ingester.tick();
      }
    } catch (RuntimeException e) {
      log.warn("stream tick failed: {}", e.toString());
    }
  }

  /** Takes the lease if free; a storage failure is a no for now (the next tick asks again). */
  private boolean takeLease() {
    try {
      return lease.take();
    } catch (RuntimeException e) {
      log.warn("could not look at {}: {}", lease.path(), e.toString());
      return false;
    }
  }

  /** Starts pulling under the lease just taken; gives the lease up if the subscriber fails. */
  private void pull() {
    ingester.forgetAll(); // another replica may have staged since this one last pulled
    Subscriber s =
        Subscribers.build(
            props.project(),
            props.subscription(),
            channel,
            // room for one full segment per window on top of one being written
            2L * props.segmentMaxSubmissions(),
            this::receive);
    try {
      s.startAsync().awaitRunning();
    } catch (IllegalStateException e) {
      lease.release();
      throw e;
    }
    subscriber = s;
    log.info("streaming from {}/{} under {}", props.project(), props.subscription(), lease.path());
  }

  /**
   * Stops the subscriber, settling what it hands over until it has terminated. It keeps delivering
   * messages it had already received while it stops, and does not terminate before each delivered
   * one is acknowledged or returned: settling only before and after the wait would leave a message
   * that arrives in between to the wait's timeout, holding up a rollout (and this replica's
   * successor) by that long.
   */
  private void stopSubscriber(Runnable settle) {
    subscriber.stopAsync();
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    boolean stopped = false;
    while (!stopped && System.nanoTime() < deadline) {
      settle.run();
      stopped = awaitTerminated(SETTLE_EVERY);
    }
    settle.run();
    if (!stopped) {
      log.warn("the subscriber did not stop within {}", STOP_TIMEOUT);
    }
    subscriber = null;
  }

  private boolean awaitTerminated(Duration wait) {
    try {
      subscriber.awaitTerminated(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (IllegalStateException e) {
      log.warn("the subscriber failed while stopping: {}", e.toString());
      return true;
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
