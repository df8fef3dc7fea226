package dev.prio.server.peer;

import dev.prio.server.round.HelperRounds;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server B's round endpoints. Thin: parse the body (kept as text, because the idempotency check is
 * on the exact bytes A sent), hand it to {@link HelperRounds}, return its answer. On server A this
 * controller refuses everything: A answers no rounds.
 */
@RestController
@RequestMapping(path = "/peer/v1/batches/{date}/{batchId}", produces = MediaType.APPLICATION_JSON_VALUE,
    consumes = MediaType.APPLICATION_JSON_VALUE)
class PeerController {
  private final HelperRounds helper;
  private final JsonMapper json;

  PeerController(ObjectProvider<HelperRounds> helper, JsonMapper json) {
    this.helper = helper.getIfAvailable();
    this.json = json;
  }

  @PutMapping
  Handshake.Response handshake(@PathVariable String date, @PathVariable String batchId, @RequestBody String body) {
    return helper().handshake(key(date, batchId), parse(body, Handshake.Request.class), body);
  }

  @PutMapping("/chunks/{chunk}/verify1")
  RoundMessage verify1(@PathVariable String date, @PathVariable String batchId, @PathVariable int chunk, @RequestBody String body) {
    return helper().verify1(key(date, batchId), chunk, parse(body, RoundMessage.class), body);
  }

  @PutMapping("/chunks/{chunk}/verify2")
  RoundMessage verify2(@PathVariable String date, @PathVariable String batchId, @PathVariable int chunk, @RequestBody String body) {
    return helper().verify2(key(date, batchId), chunk, parse(body, RoundMessage.class), body);
  }

  @PutMapping("/total")
  Total.Response total(@PathVariable String date, @PathVariable String batchId, @RequestBody String body) {
    return helper().total(key(date, batchId), parse(body, Total.Request.class));
  }

  @PutMapping("/publish")
  Publish.Response publish(@PathVariable String date, @PathVariable String batchId, @RequestBody String body) {
    return helper().publish(key(date, batchId), parse(body, Publish.Request.class));
  }

  private HelperRounds helper() {
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
      throw new ProblemException(ProblemType.BAD_REQUEST, "body is not a valid " + type.getSimpleName());
    }
  }

  private static BatchKey key(String date, String batchId) {
    try {
      return new BatchKey(LocalDate.parse(date), batchId);
    } catch (DateTimeParseException e) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "date must be YYYY-MM-DD");
    }
  }
}
