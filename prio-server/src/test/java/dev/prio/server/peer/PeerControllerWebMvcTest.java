package dev.prio.server.peer;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.prio.server.batch.BatchPhase;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemDetailsAdvice;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Server B's round controller alone, over MockMvc: each round reaches {@link HelperApi} with the
 * parsed request and (for the idempotency check) the exact bytes A sent; errors are problem
 * details. Signatures are the filters' business and are not in this slice.
 */
@WebMvcTest(PeerController.class)
@ContextConfiguration(classes = {PeerController.class, ProblemDetailsAdvice.class})
class PeerControllerWebMvcTest {
  private static final String BASE = "/peer/v1/batches/2026-11-20/b-0";
  private static final BatchKey KEY = new BatchKey(LocalDate.parse("2026-11-20"), "b-0");

  @Autowired MockMvc mvc;
  @MockitoBean HelperApi helper;

  @Test
  void handshakeGetsTheParsedRequestAndTheExactBody() throws Exception {
    String body =
        "{\"attempt\":1,\"nData\":16,\"prgMode\":\"LEGACY\",\"rMode\":\"CONSTANT\",\"keyFingerprint\":\"k\","
            + "\"seedFingerprint\":\"s\",\"chunkSize\":250,\"chunkCount\":2,\"submissionCount\":300,\"idChecksum\":\"c\"}";
    Handshake.Request parsed =
        new Handshake.Request(1, 16, "LEGACY", "CONSTANT", "k", "s", 250, 2, 300, "c");
    when(helper.handshake(KEY, parsed, body))
        .thenReturn(new Handshake.Response(300, "c", BatchPhase.VERIFY));
    mvc.perform(put(BASE).contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(status().isOk())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.submissionCount").value(300))
        .andExpect(jsonPath("$.idChecksum").value("c"))
        .andExpect(jsonPath("$.phase").value("VERIFY"));
    verify(helper).handshake(KEY, parsed, body);
  }

  @Test
  void verify1AndVerify2CarryTheChunkNumber() throws Exception {
    String body =
        "{\"attempt\":1,\"items\":[{\"id\":\"7\",\"packet\":\"AAE=\"},{\"id\":\"8\",\"reject\":\"decrypt_failed\"}]}";
    RoundMessage parsed =
        new RoundMessage(
            1, List.of(PacketItem.packet("7", "AAE="), PacketItem.rejected("8", "decrypt_failed")));
    RoundMessage answer =
        new RoundMessage(
            1,
            List.of(PacketItem.packet("7", "AAI="), PacketItem.rejected("8", "missing_on_peer")));
    when(helper.verify1(KEY, 3, parsed, body)).thenReturn(answer);
    when(helper.verify2(KEY, 3, parsed, body)).thenReturn(answer);
    for (String round : List.of("verify1", "verify2")) {
      mvc.perform(
              put(BASE + "/chunks/3/" + round)
                  .contentType(MediaType.APPLICATION_JSON)
                  .content(body))
          .andExpect(status().isOk())
          .andExpect(jsonPath("$.items[0].packet").value("AAI="))
          .andExpect(jsonPath("$.items[1].reject").value("missing_on_peer"));
    }
    verify(helper).verify1(KEY, 3, parsed, body);
    verify(helper).verify2(KEY, 3, parsed, body);
  }

  @Test
  void totalAndPublish() throws Exception {
    String totalBody =
        "{\"attempt\":1,\"chunkCount\":2,\"validCount\":290,\"validIdChecksum\":\"v\",\"chunkDigest\":\"d\"}";
    when(helper.total(KEY, new Total.Request(1, 2, 290, "v", "d"), totalBody))
        .thenReturn(new Total.Response("AAAA", 290, "v", "d", Map.of("valid", 290L), 0));
    mvc.perform(put(BASE + "/total").contentType(MediaType.APPLICATION_JSON).content(totalBody))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.validCount").value(290))
        .andExpect(jsonPath("$.funnel.valid").value(290));
    when(helper.publish(eq(KEY), any())).thenReturn(new Publish.Response(BatchPhase.PUBLISHED));
    mvc.perform(
            put(BASE + "/publish")
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    "{\"attempt\":1,\"step\":\"FAILED\",\"failure\":\"BATCH_MISMATCH\",\"version\":0}"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.phase").value("PUBLISHED"));
  }

  @Test
  void helperProblemsKeepTheirTypeAndStatus() throws Exception {
    when(helper.verify1(eq(KEY), eq(0), any(), anyString()))
        .thenThrow(
            new ProblemException(
                ProblemType.ROUND_CONFLICT, "a different body for this round and chunk"));
    mvc.perform(
            put(BASE + "/chunks/0/verify1")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"attempt\":1,\"items\":[]}"))
        .andExpect(status().isConflict())
        .andExpect(content().contentType("application/problem+json"))
        .andExpect(jsonPath("$.type").value("urn:prio:problem:round-conflict"));
  }

  @Test
  void malformedRequestsAre4xxAndNeverReachTheHelper() throws Exception {
    mvc.perform(put(BASE).contentType(MediaType.APPLICATION_JSON).content("{\"attempt\":"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value("body is not a valid Request"));
    mvc.perform(put(BASE).contentType(MediaType.APPLICATION_JSON).content("null"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:bad-request"));
    mvc.perform(
            put("/peer/v1/batches/20-11-2026/b-0")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value("date must be YYYY-MM-DD"));
    mvc.perform(
            put(BASE + "/chunks/x/verify1").contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isBadRequest());
    mvc.perform(put(BASE).contentType(MediaType.TEXT_PLAIN).content("{}"))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:unsupported-media-type"));
    mvc.perform(
            put(BASE)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_XML)
                .content("{}"))
        .andExpect(status().isNotAcceptable());
    mvc.perform(post(BASE).contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:method-not-allowed"));
    verify(helper, never()).handshake(any(), any(), anyString());
    verify(helper, never()).verify1(any(), anyInt(), any(), anyString());
  }

  @Test
  void aWindowIsAQueryParameterThatNamesItsOwnBatch() throws Exception {
    BatchKey h07 = new BatchKey(KEY.submissionDate(), "b-0", "h07");
    when(helper.total(eq(h07), any(), anyString()))
        .thenReturn(new Total.Response("AAAA", 290, "v", "d", Map.of("valid", 290L), 0));
    mvc.perform(
            put(BASE + "/total")
                .param("window", "h07")
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    "{\"attempt\":1,\"chunkCount\":2,\"validCount\":290,\"validIdChecksum\":\"v\",\"chunkDigest\":\"d\"}"))
        .andExpect(status().isOk());
    verify(helper).total(eq(h07), any(), anyString());
    verify(helper, never()).total(eq(KEY), any(), anyString());
  }

  @Test
  void aHostileWindowIsATyped400AndNeverReachesTheHelper() throws Exception {
    for (String window : new String[] {"../x", "h24", "h07m00", "H07", "h07/..", "h7"}) {
      mvc.perform(
              put(BASE + "/chunks/0/verify1")
                  .param("window", window)
                  .contentType(MediaType.APPLICATION_JSON)
                  .content("{\"attempt\":1,\"items\":[]}"))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.type").value("urn:prio:problem:bad-request"));
    }
    verify(helper, never()).verify1(any(), anyInt(), any(), anyString());
  }
}
