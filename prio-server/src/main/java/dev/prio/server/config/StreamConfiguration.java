package dev.prio.server.config;

import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchService;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.stream.PubsubSource;
import dev.prio.server.stream.StreamIngester;
import dev.prio.server.stream.StreamProperties;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streaming mode, both roles, only with {@code prio.stream.enabled=true}: the subscription, and on
 * server A the closing of windows into batches through the operator's own start verb.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "prio.stream", name = "enabled", havingValue = "true")
class StreamConfiguration {
  @Bean
  StreamIngester streamIngester(
      ObjectStore store,
      ServerId role,
      JsonMapper json,
      StreamProperties props,
      BatchRepository batches,
      BatchService service,
      Clock clock) {
    return new StreamIngester(
        store,
        role,
        json,
        props,
        key -> started(batches, key),
        role == ServerId.A ? key -> service.start(key, null) : null,
        clock);
  }

  @Bean(initMethod = "start", destroyMethod = "stop")
  PubsubSource pubsubSource(StreamIngester ingester, StreamProperties props) {
    return new PubsubSource(ingester, props);
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
