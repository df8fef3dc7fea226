package dev.prio.server.batch;

import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.BatchWindow;
import dev.prio.server.web.BatchIdParam;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import dev.prio.server.web.WindowParam;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "batches")
@RestController
@RequestMapping(path = "/batches", produces = MediaType.APPLICATION_JSON_VALUE)
class BatchController {
  private final BatchService service;

  BatchController(BatchService service) {
    this.service = service;
  }

  /** Body of POST /batches/{id} and of rerun. {@code nData} may only repeat DATA_CONFIG's value. */
  @Schema(
      description = "Which batch (its submission date) and, optionally, what to check or force.")
  record StartRequest(
      @Schema(
              description = "The submission date, YYYY-MM-DD (required).",
              format = "date",
              example = "2026-11-20")
          String submissionDate,
      @Schema(
              description =
                  "The window within the date: its UTC start, hHH or hHHmMM (a stream window"
                      + " shorter than a day). Absent or empty: the whole day, as every file batch.",
              pattern = BatchWindow.PATTERN,
              example = "h07")
          String window,
      @Schema(
              description = "n_data; may only repeat DATA_CONFIG's value for this batch id.",
              minimum = "1")
          Integer nData,
      @Schema(description = "rerun only: publish a new version of a published batch.")
          Boolean force) {}

  @Operation(
      operationId = "startBatch",
      summary = "Start a batch (server A)",
      description =
          "Idempotent: a batch that exists answers 202 with its state and is not started again. An id that"
              + " DATA_CONFIG does not list is refused at once (unknown-batch-id).")
  @ApiResponse(responseCode = "202", description = "The batch's state")
  @PostMapping("/{batchId}")
  ResponseEntity<BatchView> start(
      @BatchIdParam @PathVariable String batchId,
      @RequestBody(required = false) StartRequest body) {
    BatchState s = service.start(key(batchId, body), body == null ? null : body.nData());
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(BatchView.of(s));
  }

  @Operation(
      operationId = "getBatch",
      summary = "A batch's state on this server",
      description =
          "Phase, per-phase timestamps, funnel counts by reason, and (on A) the peer's phase. Without"
              + " submissionDate, the latest batch with this id (of that window, if given); with"
              + " submissionDate and no window, that day's whole-day batch.")
  @ApiResponse(responseCode = "200", description = "The batch's state")
  @GetMapping("/{batchId}")
  BatchView get(
      @BatchIdParam @PathVariable String batchId,
      @Parameter(description = "YYYY-MM-DD")
          @RequestParam(required = false)
          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
          LocalDate submissionDate,
      @WindowParam @RequestParam(required = false) String window) {
    return BatchView.of(service.find(safeId(batchId), submissionDate, safeWindow(window)));
  }

  @Operation(
      operationId = "rerunBatch",
      summary = "Rerun a finished batch (server A)",
      description =
          "A new attempt from RECEIVED; a published batch only with force=true (a new version).")
  @ApiResponse(responseCode = "202", description = "The batch's state")
  @PostMapping("/{batchId}/rerun")
  ResponseEntity<BatchView> rerun(
      @BatchIdParam @PathVariable String batchId,
      @RequestBody(required = false) StartRequest body) {
    boolean force = body != null && Boolean.TRUE.equals(body.force());
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(BatchView.of(service.rerun(key(batchId, body), force)));
  }

  @Operation(
      operationId = "abandonBatch",
      summary = "Abandon a batch for good",
      description = "Stops a running batch; a terminal batch answers its state unchanged.")
  @ApiResponse(responseCode = "200", description = "The batch's state")
  @PostMapping("/{batchId}/abandon")
  BatchView abandon(
      @BatchIdParam @PathVariable String batchId,
      @RequestBody(required = false) StartRequest body) {
    return BatchView.of(service.abandon(key(batchId, body)));
  }

  private static BatchKey key(String batchId, StartRequest body) {
    if (body == null || body.submissionDate() == null) {
      throw new ProblemException(
          ProblemType.BAD_REQUEST, "submissionDate (YYYY-MM-DD) is required");
    }
    try {
      return new BatchKey(LocalDate.parse(body.submissionDate()), batchId, body.window());
    } catch (DateTimeParseException e) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "submissionDate must be YYYY-MM-DD");
    } catch (IllegalArgumentException e) {
      throw new ProblemException(ProblemType.BAD_REQUEST, e.getMessage());
    }
  }

  private static String safeWindow(String window) {
    try {
      return window == null ? null : BatchWindow.check(window);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(ProblemType.BAD_REQUEST, e.getMessage());
    }
  }

  private static String safeId(String batchId) {
    try {
      return new BatchKey(LocalDate.EPOCH, batchId).batchId();
    } catch (IllegalArgumentException e) {
      throw new ProblemException(ProblemType.BAD_REQUEST, e.getMessage());
    }
  }
}
