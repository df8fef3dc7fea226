package dev.prio.server.config;

import dev.prio.server.batch.BatchService;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Resumes unfinished batches once the server is ready and on every sweep after (a run that stopped
 * on a storage error is picked up again once the storage answers), and refreshes the phase gauges.
 */
class BatchScheduler {
  private final BatchService service;

  BatchScheduler(BatchService service) {
    this.service = service;
  }

  @EventListener(ApplicationReadyEvent.class)
  void resume() {
    service.sweep();
  }

  @Scheduled(fixedDelayString = "${prio.census-interval:15s}")
  void sweep() {
    service.sweep();
  }
}
