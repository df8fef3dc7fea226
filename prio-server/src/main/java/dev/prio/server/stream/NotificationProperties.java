package dev.prio.server.stream;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Server A only: start a nightly file batch as soon as its staging is complete, from the internal
 * bucket's object-finalize notifications (docs/operations.md "Starting file batches"), instead of
 * waiting for the CronJob. Off unless {@code subscription} is set; the CronJob stays as a fallback
 * either way (starting a batch twice is a no-op).
 *
 * @param project the GCP project that holds the notification subscription (this server's own)
 * @param subscription the subscription on the bucket's notification topic (Terraform:
 *     prio-staging-a); unset: notifications are not read
 * @param emulatorHost a Pub/Sub emulator, host:port over plaintext gRPC (PUBSUB_EMULATOR_HOST), for
 *     tests and demos; unset in production
 */
@ConfigurationProperties("prio.trigger.notifications")
public record NotificationProperties(String project, String subscription, String emulatorHost) {
  public boolean enabled() {
    return subscription != null && !subscription.isBlank();
  }
}
