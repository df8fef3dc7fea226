package dev.prio.server.batch;

import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** {@code /actuator/batches}: the most recent batches on this server with phase and counts. */
@Endpoint(id = "batches")
public class BatchesEndpoint {
  private static final int RECENT = 50;
  private final BatchService service;

  public BatchesEndpoint(BatchService service) {
    this.service = service;
  }

  @ReadOperation
  public List<BatchView> recent() {
    return service.recent(RECENT).stream().map(BatchView::of).toList();
  }
}
