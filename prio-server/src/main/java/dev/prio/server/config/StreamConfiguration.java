package dev.prio.server.config;

import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchService;
import dev.prio.server.lease.Leases;
import dev.prio.server.settings.InvalidConfigurationException;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.stream.IngestLease;
import dev.prio.server.stream.PubsubSource;
import dev.prio.server.stream.StreamIngester;
import dev.prio.server.stream.StreamProperties;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streaming mode, both roles, only with {@code prio.stream.enabled=true}: the subscription, pulled
 * by one replica at a time under a lease, and on server A the closing of windows into batches
 * through the operator's own start verb.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "prio.stream", name = "enabled", havingValue = "true")
class StreamConfiguration {
  @Bean
  IngestLease ingestLease(Leases leases, StreamProperties props, Clock clock) {
    if (props
            .quietPeriod()
            .compareTo(
                props.flushInterval().plus(StreamProperties.ACK_DEADLINE).plus(leases.duration()))
        < 0) {
      // shorter, A could close a window while B's replicas are still taking over a crashed one's
      throw new InvalidConfigurationException(
          "prio.stream.quiet-period",
          "is shorter than a takeover after a crash",
          "at least prio.stream.flush-interval + "
              + StreamProperties.ACK_DEADLINE.toSeconds()
              + " s + prio.lease.duration");
    }
    return new IngestLease(leases, StorageLayout.streamLease(), clock);
  }

  @Bean
  StreamIngester streamIngester(
      ObjectStore store,
      ServerId role,
      JsonMapper json,
      StreamProperties props,
      BatchRepository batches,
      BatchService service,
      IngestLease lease,
      Clock clock) {
    return new StreamIngester(
        store,
        role,
        json,
        props,
        key -> started(batches, key),
        role == ServerId.A ? key -> service.start(key, null) : null,
        lease::confirm,
        clock);
  }

  @Bean(initMethod = "start", destroyMethod = "stop")
  PubsubSource pubsubSource(StreamIngester ingester, StreamProperties props, IngestLease lease) {
    return new PubsubSource(ingester, props, lease);
  }

  private static boolean started(BatchRepository batches, BatchKey key) {
    try {
      return batches.find(key).isPresent();
    } catch (RuntimeException e) {
      // unreadable state: a batch is there, so nothing more may join its input
      return true;
    }
  }
}
