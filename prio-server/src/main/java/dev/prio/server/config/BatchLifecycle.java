package dev.prio.server.config;

import dev.prio.server.batch.BatchService;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;

/** Resumes unfinished batches once the server is ready, and refreshes the phase gauges. */
class BatchLifecycle {
  private final BatchService service;

  BatchLifecycle(BatchService service) {
    this.service = service;
  }

  @EventListener(ApplicationReadyEvent.class)
  void resume() {
    service.resumeUnfinished();
  }

  @Scheduled(fixedDelayString = "${prio.census-interval:15s}")
  void census() {
    service.census();
  }
}
