package dev.prio.server.batch;

import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemDetailsAdvice;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The operator API's controller alone (server A), over MockMvc: mapping, bodies, statuses, problem
 * details.
 */
@WebMvcTest(BatchController.class)
@ContextConfiguration(
    classes = {
      BatchController.class,
      ProblemDetailsAdvice.class,
      BatchControllerWebMvcTest.Role.class
    })
class BatchControllerWebMvcTest {
  private static final LocalDate DATE = LocalDate.parse("2026-11-20");
  private static final BatchKey KEY = new BatchKey(DATE, "b-0");
  private static final String BODY = "{\"submissionDate\":\"2026-11-20\"}";

  @Configuration
  static class Role {
    @Bean
    ServerId role() {
      return ServerId.A;
    }
  }

  @Autowired MockMvc mvc;
  @MockitoBean BatchService service;

  private final BatchState received =
      BatchState.received(KEY, ServerId.A, 16, Instant.parse("2026-11-21T02:30:00Z"));

  @Test
  void startAnswers202WithTheBatchState() throws Exception {
    when(service.start(KEY, null)).thenReturn(received);
    mvc.perform(post("/batches/b-0").contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isAccepted())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.batchId").value("b-0"))
        .andExpect(jsonPath("$.submissionDate").value("2026-11-20"))
        .andExpect(jsonPath("$.phase").value("RECEIVED"))
        .andExpect(jsonPath("$.nData").value(16));
  }

  @Test
  void startPassesAnNDataOverrideToTheService() throws Exception {
    when(service.start(KEY, 16)).thenReturn(received);
    mvc.perform(
            post("/batches/b-0")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"submissionDate\":\"2026-11-20\",\"nData\":16}"))
        .andExpect(status().isAccepted());
    verify(service).start(KEY, 16);
  }

  @Test
  void anIdNotInDataConfigIsRefusedAtOnceWith422() throws Exception {
    when(service.start(new BatchKey(DATE, "nope"), null))
        .thenThrow(
            new ProblemException(
                ProblemType.UNKNOWN_BATCH_ID, "batch id nope is not in DATA_CONFIG"));
    mvc.perform(post("/batches/nope").contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isUnprocessableContent())
        .andExpect(content().contentType("application/problem+json"))
        .andExpect(jsonPath("$.type").value("urn:prio:problem:unknown-batch-id"))
        .andExpect(jsonPath("$.status").value(422));
  }

  @Test
  void aMissingOrMalformedDateIs400() throws Exception {
    mvc.perform(post("/batches/b-0").contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:bad-request"))
        .andExpect(jsonPath("$.detail").value("submissionDate (YYYY-MM-DD) is required"));
    mvc.perform(
            post("/batches/b-0")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"submissionDate\":\"20 Nov\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value("submissionDate must be YYYY-MM-DD"));
    mvc.perform(
            post("/batches/b-0")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"submissionDate\":"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:bad-request"));
    mvc.perform(get("/batches/b-0").param("submissionDate", "yesterday"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:bad-request"));
  }

  @Test
  void anUnsafeBatchIdIs400() throws Exception {
    mvc.perform(get("/batches/{id}", "a b"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:bad-request"));
  }

  @Test
  void contentNegotiationFailuresKeepTheirStatus() throws Exception {
    mvc.perform(post("/batches/b-0").contentType(MediaType.TEXT_PLAIN).content(BODY))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:unsupported-media-type"));
    mvc.perform(get("/batches/b-0").accept(MediaType.APPLICATION_XML))
        .andExpect(status().isNotAcceptable())
        .andExpect(content().contentType("application/problem+json"))
        .andExpect(jsonPath("$.type").value("urn:prio:problem:not-acceptable"));
    mvc.perform(delete("/batches/b-0"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(header().string("Allow", org.hamcrest.Matchers.containsString("GET")))
        .andExpect(jsonPath("$.type").value("urn:prio:problem:method-not-allowed"));
  }

  @Test
  void getReadsOneDateOrTheLatestAndMapsUnknownTo404() throws Exception {
    when(service.find("b-0", DATE, null)).thenReturn(received);
    mvc.perform(get("/batches/b-0").param("submissionDate", "2026-11-20"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.phase").value("RECEIVED"));
    when(service.find("b-0", null, null))
        .thenThrow(new ProblemException(ProblemType.UNKNOWN_BATCH, "no such batch on this server"));
    mvc.perform(get("/batches/b-0"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:unknown-batch"))
        .andExpect(jsonPath("$.title").value("unknown batch"));
  }

  @Test
  void rerunPassesForceAndAbandonAnswers200() throws Exception {
    when(service.rerun(eq(KEY), eq(true))).thenReturn(received);
    mvc.perform(
            post("/batches/b-0/rerun")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"submissionDate\":\"2026-11-20\",\"force\":true}"))
        .andExpect(status().isAccepted());
    verify(service).rerun(KEY, true);
    when(service.abandon(KEY))
        .thenReturn(
            received.withPhase(BatchPhase.ABANDONED, Instant.parse("2026-11-21T03:00:00Z")));
    mvc.perform(post("/batches/b-0/abandon").contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.phase").value("ABANDONED"));
    when(service.rerun(KEY, false))
        .thenThrow(
            new ProblemException(
                ProblemType.BATCH_CONFLICT, "the batch is still running (VERIFY)"));
    mvc.perform(post("/batches/b-0/rerun").contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:batch-conflict"));
  }

  @Test
  void anUnexpectedErrorIsAGeneric500ThatNamesNothingInternal() throws Exception {
    when(service.find("b-0", DATE, null)).thenThrow(new IllegalStateException("secret detail"));
    mvc.perform(get("/batches/b-0").param("submissionDate", "2026-11-20"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:internal"))
        .andExpect(jsonPath("$.detail").value("internal error"));
  }

  @Test
  void aWindowTravelsInTheBodyAndTheQueryAndShowsInTheView() throws Exception {
    BatchKey h07 = new BatchKey(DATE, "b-0", "h07");
    BatchState windowed =
        BatchState.received(h07, ServerId.A, 16, Instant.parse("2026-11-20T09:00:00Z"));
    when(service.start(h07, null)).thenReturn(windowed);
    mvc.perform(
            post("/batches/b-0")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"submissionDate\":\"2026-11-20\",\"window\":\"h07\"}"))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.window").value("h07"));
    verify(service).start(h07, null);
    when(service.find("b-0", DATE, "h07")).thenReturn(windowed);
    mvc.perform(get("/batches/b-0").param("submissionDate", "2026-11-20").param("window", "h07"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.window").value("h07"));
    // a whole-day batch's view has no window at all, as before windows
    when(service.find("b-0", DATE, null)).thenReturn(received);
    mvc.perform(get("/batches/b-0").param("submissionDate", "2026-11-20"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.window").doesNotExist());
  }

  @Test
  void aHostileWindowIsATyped400AndReachesNothing() throws Exception {
    for (String window : new String[] {"../x", "h24", "h07m00", "h07/..", "%2e%2e", "h07\n"}) {
      mvc.perform(
              post("/batches/b-0")
                  .contentType(MediaType.APPLICATION_JSON)
                  .content(
                      "{\"submissionDate\":\"2026-11-20\",\"window\":"
                          + tools.jackson.databind.json.JsonMapper.builder()
                              .build()
                              .writeValueAsString(window)
                          + "}"))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.type").value("urn:prio:problem:bad-request"));
      mvc.perform(get("/batches/b-0").param("window", window))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.type").value("urn:prio:problem:bad-request"));
    }
    verify(service, org.mockito.Mockito.never())
        .start(org.mockito.ArgumentMatchers.any(), eq(null));
    verify(service, org.mockito.Mockito.never())
        .find(
            org.mockito.ArgumentMatchers.anyString(), eq(null), org.mockito.ArgumentMatchers.any());
  }
}
