package dev.prio.server.peer;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.prio.server.web.ProblemDetailsAdvice;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;

/** On server A there are no helper rounds: every round request is 404 not-helper. */
@WebMvcTest(PeerController.class)
@ContextConfiguration(classes = {PeerController.class, ProblemDetailsAdvice.class})
class PeerControllerOnServerAWebMvcTest {
  @Autowired MockMvc mvc;

  @Test
  void serverAAnswersNoRounds() throws Exception {
    mvc.perform(
            put("/peer/v1/batches/2026-11-20/b-0/total")
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    "{\"attempt\":1,\"chunkCount\":1,\"validCount\":0,\"validIdChecksum\":\"\"}"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.type").value("urn:prio:problem:not-helper"));
  }
}
