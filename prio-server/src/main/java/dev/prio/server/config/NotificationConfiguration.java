package dev.prio.server.config;

import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchService;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.settings.InvalidConfigurationException;
import dev.prio.server.settings.PrioProperties;
import dev.prio.server.storage.GcsRoot;
import dev.prio.server.stream.NotificationProperties;
import dev.prio.server.stream.StagingMarker.Outcome;
import dev.prio.server.stream.StagingNotifications;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Server A, only with {@code prio.trigger.notifications.subscription} set: file batches start when
 * their staging's marker lands in the bucket, through the operator's own start verb.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "prio", name = "role", havingValue = "A")
@ConditionalOnExpression("'${prio.trigger.notifications.subscription:}' != ''")
class NotificationConfiguration {
  private static final String PROPERTY = "prio.trigger.notifications.subscription";

  @Bean(initMethod = "start", destroyMethod = "stop")
  StagingNotifications stagingNotifications(
      NotificationProperties props,
      PrioProperties prio,
      ServerId role,
      BatchService service,
      PrioMetrics metrics) {
    String root = prio.storage().root();
    if (!root.startsWith("gs://")) {
      throw new InvalidConfigurationException(
          PROPERTY, "needs a gs:// storage root (BUCKET_INTERNAL)", "unset on a file: root");
    }
    if (props.project() == null || props.project().isBlank()) {
      throw new InvalidConfigurationException(
          "prio.trigger.notifications.project", "is not set", "the subscription's GCP project");
    }
    GcsRoot gcs = GcsRoot.parse(root);
    return new StagingNotifications(
        props,
        gcs.bucket(),
        gcs.prefix(),
        role,
        key -> {
          try {
            service.start(key, null);
            return Outcome.STARTED;
          } catch (ProblemException e) {
            return e.type() == ProblemType.UNKNOWN_BATCH_ID
                ? Outcome.UNKNOWN_BATCH_ID
                : Outcome.CONFLICT;
          }
        },
        metrics::stagingNotification);
  }
}
