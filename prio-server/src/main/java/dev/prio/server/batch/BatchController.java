package dev.prio.server.batch;

import dev.prio.core.packet.ServerId;
import dev.prio.server.round.ProtocolSettings;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operator API (design §5). Errors are problem details from the shared advice. */
@RestController
@RequestMapping(path = "/batches", produces = MediaType.APPLICATION_JSON_VALUE)
class BatchController {
  private final BatchService service;
  private final ProtocolSettings settings;
  private final ServerId role;

  BatchController(BatchService service, ProtocolSettings settings, ServerId role) {
    this.service = service;
    this.settings = settings;
    this.role = role;
  }

  /** Body of POST /batches/{id} and of rerun. {@code nData} may only repeat DATA_CONFIG's value. */
  record StartRequest(String submissionDate, Integer nData, Boolean force) {}

  @PostMapping("/{batchId}")
  ResponseEntity<BatchView> start(@PathVariable String batchId, @RequestBody(required = false) StartRequest body) {
    BatchKey key = key(batchId, body);
    if (role == ServerId.A && settings.nData(key.batchId()).isEmpty()) {
      // Refused at once rather than accepted and failed later as UNKNOWN_BATCH_ID: n_data comes
      // only from DATA_CONFIG (design §3), so nothing could ever run.
      throw new ProblemException(ProblemType.UNKNOWN_BATCH_ID, "batch id " + key.batchId() + " is not in DATA_CONFIG");
    }
    BatchState s = service.start(key, body == null ? null : body.nData());
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(BatchView.of(s));
  }

  @GetMapping("/{batchId}")
  BatchView get(@PathVariable String batchId,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate submissionDate) {
    return BatchView.of(service.find(safeId(batchId), submissionDate));
  }

  @PostMapping("/{batchId}/rerun")
  ResponseEntity<BatchView> rerun(@PathVariable String batchId, @RequestBody(required = false) StartRequest body) {
    boolean force = body != null && Boolean.TRUE.equals(body.force());
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(BatchView.of(service.rerun(key(batchId, body), force)));
  }

  @PostMapping("/{batchId}/abandon")
  BatchView abandon(@PathVariable String batchId, @RequestBody(required = false) StartRequest body) {
    return BatchView.of(service.abandon(key(batchId, body)));
  }

  private static BatchKey key(String batchId, StartRequest body) {
    if (body == null || body.submissionDate() == null) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "submissionDate (YYYY-MM-DD) is required");
    }
    try {
      return new BatchKey(LocalDate.parse(body.submissionDate()), batchId);
    } catch (DateTimeParseException e) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "submissionDate must be YYYY-MM-DD");
    }
  }

  private static String safeId(String batchId) {
    return new BatchKey(LocalDate.EPOCH, batchId).batchId();
  }
}
