package dev.prio.server.stream;

import dev.prio.server.storage.BatchWindow;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Streaming mode (docs/operations.md "Streaming"): submissions as Pub/Sub messages instead of
 * staged files. Off unless {@code enabled}.
 *
 * @param enabled subscribe to the subscription and stage what arrives; off by default
 * @param project the GCP project that holds the subscription (this server's own project)
 * @param subscription the subscription id this server reads, one per server
 * @param emulatorHost a Pub/Sub emulator, host:port over plaintext gRPC (PUBSUB_EMULATOR_HOST), for
 *     tests and demos; unset in production, where the client uses Application Default Credentials
 * @param segmentMaxSubmissions most submissions in one staged segment object: the unit of a write
 *     and of the messages held unacknowledged in memory
 * @param flushInterval longest a received message waits before its segment is written and it is
 *     acknowledged
 * @param window how long a stream window is: 1d (the default) makes one batch per submission date
 *     and batch id; shorter (whole minutes that divide a day, e.g. 1h) cuts each date into windows
 *     of that length by the messages' submission_time attribute, each its own batch and published
 *     aggregate. Both servers must use the same value
 * @param closeAfter server A closes a window this long after it has ended (for a daily window,
 *     after its UTC day), for messages still in flight
 * @param quietPeriod server A closes a window only after no message for it has arrived for this
 *     long; at least the flush interval plus the 10 s ack deadline, the longest a crashed server's
 *     unacknowledged messages take to come back, plus prio.lease.duration, the longest another
 *     replica takes to pull in its place
 */
@ConfigurationProperties("prio.stream")
public record StreamProperties(
    @DefaultValue("false") boolean enabled,
    String project,
    String subscription,
    String emulatorHost,
    @DefaultValue("1000") int segmentMaxSubmissions,
    @DefaultValue("5s") Duration flushInterval,
    @DefaultValue("1d") Duration window,
    @DefaultValue("1h") Duration closeAfter,
    @DefaultValue("5m") Duration quietPeriod) {

  /**
   * How long each lease on a received message lasts (the Pub/Sub minimum): the subscriber renews it
   * until the message is acknowledged, so after a crash its messages are redelivered within this.
   */
  public static final Duration ACK_DEADLINE = Duration.ofSeconds(10);

  public StreamProperties {
    if (enabled && (blank(project) || blank(subscription))) {
      throw new IllegalArgumentException(
          "prio.stream.project and prio.stream.subscription are required when streaming is on");
    }
    if (quietPeriod.compareTo(flushInterval.plus(ACK_DEADLINE)) < 0) {
      // shorter, A could close a window before a crashed server's held messages came back
      throw new IllegalArgumentException(
          "prio.stream.quiet-period must be at least prio.stream.flush-interval + "
              + ACK_DEADLINE.toSeconds()
              + " s");
    }
    if (!BatchWindow.dividesADay(window)) {
      throw new IllegalArgumentException(
          "prio.stream.window must be whole minutes that divide a day (1d, 1h, 30m, 5m, ...)");
    }
    if (segmentMaxSubmissions < 1 || segmentMaxSubmissions > 100_000) {
      throw new IllegalArgumentException("prio.stream.segment-max-submissions must be 1..100000");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
