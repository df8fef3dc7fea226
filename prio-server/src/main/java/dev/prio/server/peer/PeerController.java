package dev.prio.server.peer;

import dev.prio.server.logging.BatchLogContext;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.BatchIdParam;
import dev.prio.server.web.ChunkParam;
import dev.prio.server.web.DateParam;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import dev.prio.server.web.WindowParam;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server B's round endpoints. Thin: parse the body (kept as text, because the idempotency check is
 * on the exact bytes A sent), hand it to {@link HelperApi}, return its answer. On server A this
 * controller refuses everything: A answers no rounds.
 */
@Tag(name = "rounds")
@RestController
@RequestMapping(
    path = "/peer/v1/batches/{date}/{batchId}",
    produces = MediaType.APPLICATION_JSON_VALUE,
    consumes = MediaType.APPLICATION_JSON_VALUE)
class PeerController {
  private static final Logger log = LoggerFactory.getLogger(PeerController.class);
  private final HelperApi helper;
  private final JsonMapper json;

  PeerController(ObjectProvider<HelperApi> helper, JsonMapper json) {
    this.helper = helper.getIfAvailable();
    this.json = json;
  }

  @Operation(
      operationId = "handshake",
      summary = "Round 0: agree on n_data, PRG and r mode, keys and seed, and compare inputs",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = Handshake.Request.class))))
  @ApiResponse(responseCode = "200", description = "B's count and id checksum")
  @PutMapping
  Handshake.Response handshake(
      @DateParam @PathVariable String date,
      @BatchIdParam @PathVariable String batchId,
      @WindowParam @RequestParam(required = false) String window,
      @RequestBody String body) {
    BatchKey key = key(date, batchId, window);
    Handshake.Request request = parse(body, Handshake.Request.class);
    try (var context = BatchLogContext.answering(key, "handshake", request.attempt())) {
      return answered(helper().handshake(key, request, body));
    }
  }

  @Operation(
      operationId = "verify1",
      summary = "verify1 of one chunk: A's packets in, B's out",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = RoundMessage.class))))
  @ApiResponse(
      responseCode = "200",
      description = "B's verify1 packets or reject reasons, in A's order")
  @PutMapping("/chunks/{chunk}/verify1")
  RoundMessage verify1(
      @DateParam @PathVariable String date,
      @BatchIdParam @PathVariable String batchId,
      @WindowParam @RequestParam(required = false) String window,
      @ChunkParam @PathVariable int chunk,
      @RequestBody String body) {
    BatchKey key = key(date, batchId, window);
    RoundMessage request = parse(body, RoundMessage.class);
    try (var context = BatchLogContext.answering(key, "verify1", request.attempt())) {
      return answered(helper().verify1(key, chunk, request, body));
    }
  }

  @Operation(
      operationId = "verify2",
      summary = "verify2 of one chunk: A's packets in, B's out",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = RoundMessage.class))))
  @ApiResponse(
      responseCode = "200",
      description = "B's verify2 packets or reject reasons, in A's order")
  @PutMapping("/chunks/{chunk}/verify2")
  RoundMessage verify2(
      @DateParam @PathVariable String date,
      @BatchIdParam @PathVariable String batchId,
      @WindowParam @RequestParam(required = false) String window,
      @ChunkParam @PathVariable int chunk,
      @RequestBody String body) {
    BatchKey key = key(date, batchId, window);
    RoundMessage request = parse(body, RoundMessage.class);
    try (var context = BatchLogContext.answering(key, "verify2", request.attempt())) {
      return answered(helper().verify2(key, chunk, request, body));
    }
  }

  @Operation(
      operationId = "total",
      summary = "The total round: compare valid counts and checksums; B answers its total share",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = Total.Request.class))))
  @ApiResponse(responseCode = "200", description = "B's total share, counts and checksum")
  @PutMapping("/total")
  Total.Response total(
      @DateParam @PathVariable String date,
      @BatchIdParam @PathVariable String batchId,
      @WindowParam @RequestParam(required = false) String window,
      @RequestBody String body) {
    BatchKey key = key(date, batchId, window);
    Total.Request request = parse(body, Total.Request.class);
    try (var context = BatchLogContext.answering(key, "total", request.attempt())) {
      return answered(helper().total(key, request, body));
    }
  }

  @Operation(
      operationId = "publish",
      summary = "How the batch ended on A; when published, B writes its own copy",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = Publish.Request.class))))
  @ApiResponse(responseCode = "200", description = "B's phase")
  @PutMapping("/publish")
  Publish.Response publish(
      @DateParam @PathVariable String date,
      @BatchIdParam @PathVariable String batchId,
      @WindowParam @RequestParam(required = false) String window,
      @RequestBody String body) {
    BatchKey key = key(date, batchId, window);
    Publish.Request request = parse(body, Publish.Request.class);
    try (var context = BatchLogContext.answering(key, "publish", request.attempt())) {
      return answered(helper().publish(key, request));
    }
  }

  /** One DEBUG line per answer, with the batch context and the trace id of A's request. */
  private static <T> T answered(T answer) {
    log.debug("answered {}", answer.getClass().getSimpleName());
    return answer;
  }

  private HelperApi helper() {
    if (helper == null) {
      throw new ProblemException(ProblemType.NOT_HELPER, "server A answers no rounds");
    }
    return helper;
  }

  private <T> T parse(String body, Class<T> type) {
    try {
      T value = json.readValue(body, type);
      if (value == null) {
        throw new ProblemException(ProblemType.BAD_REQUEST, "empty body");
      }
      return value;
    } catch (JacksonException e) {
      throw new ProblemException(
          ProblemType.BAD_REQUEST, "body is not a valid " + type.getSimpleName());
    }
  }

  /** The batch A names; {@code window} absent for a whole-day batch, as before windows. */
  private static BatchKey key(String date, String batchId, String window) {
    try {
      return new BatchKey(LocalDate.parse(date), batchId, window);
    } catch (DateTimeParseException e) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "date must be YYYY-MM-DD");
    } catch (IllegalArgumentException e) {
      throw new ProblemException(ProblemType.BAD_REQUEST, e.getMessage());
    }
  }
}
