package dev.prio.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process harness end to end: two server JVMs with the fault proxy between them. One batch runs
 * with the proxy passing everything, then one with a lost response (B handled a verify1 request, A
 * never heard the answer): both publish the true sums on both sides.
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class ProcessPairFaultTest {
  private static final String BATCH = "test-process";

  @TempDir Path work;

  @Test
  void publishesTheTrueSumsThroughTheProxyAndAcrossALostResponse() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated first = new Generated(keys, PrioConfig.of(10, BATCH), 31);
    first.addValid(24);
    Generated second = new Generated(keys, PrioConfig.of(10, BATCH), 32);
    second.addValid(24);
    try (ProcessPair pair =
        new ProcessPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 10}]")
            .with("prio.batch.chunk-size", "8")) {
      for (ServerId s : ServerId.values()) {
        Staging.write(
            pair.root(s),
            "2026-12-01",
            BATCH,
            s,
            "part-0.ndjson",
            (s == ServerId.A ? first.forA : first.forB).toString());
        Staging.write(
            pair.root(s),
            "2026-12-02",
            BATCH,
            s,
            "part-0.ndjson",
            (s == ServerId.A ? second.forA : second.forB).toString());
      }
      pair.start();

      assertThat(pair.startBatch(BATCH, "2026-12-01").statusCode()).isEqualTo(202);
      assertPublished(pair, "2026-12-01", first);
      assertThat(pair.proxy().faultsApplied()).isZero();
      assertThat(pair.proxy().seen())
          .isNotEmpty()
          .allMatch(s -> s.applied() == FaultProxy.Kind.PASS);

      pair.proxy().once("/chunks/1/verify1", FaultProxy.Fault.DROP_RESPONSE);
      assertThat(pair.startBatch(BATCH, "2026-12-02").statusCode()).isEqualTo(202);
      assertPublished(pair, "2026-12-02", second);
      assertThat(pair.proxy().armed()).isFalse();
      assertThat(pair.proxy().faultsApplied()).isEqualTo(1);
      // The round whose answer was lost was sent again and answered.
      assertThat(
              pair.proxy().seen().stream()
                  .filter(
                      s ->
                          s.requestLine().contains("2026-12-02")
                              && s.requestLine().contains("/chunks/1/verify1"))
                  .map(FaultProxy.Seen::applied))
          .containsExactly(FaultProxy.Kind.DROP_RESPONSE, FaultProxy.Kind.PASS);

      // kill -9 and a restart on the same port and storage: B comes back with its state.
      pair.kill9(ServerId.B);
      assertThat(pair.server(ServerId.B).alive()).isFalse();
      pair.start(ServerId.B);
      assertThat(
              ServerPair.phase(
                  pair.get(ServerId.B, "/batches/" + BATCH + "?submissionDate=2026-12-02").body()))
          .isEqualTo("PUBLISHED");
      assertThat(pair.server(ServerId.B).log()).exists().isNotEmptyFile();
    }
  }

  private static void assertPublished(ProcessPair pair, String date, Generated gen)
      throws Exception {
    String a = pair.awaitTerminal(ServerId.A, BATCH, date, Duration.ofMinutes(2));
    String b = pair.awaitTerminal(ServerId.B, BATCH, date, Duration.ofSeconds(30));
    assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
    assertThat(ServerPair.phase(b)).as(b).isEqualTo("PUBLISHED");
    String published = Staging.published(pair.root(ServerId.A), date, BATCH);
    assertThat(published)
        .contains("\"payload\":" + gen.expectedPayload())
        .contains("\"error\":0,\"total\":24");
    assertThat(Staging.published(pair.root(ServerId.B), date, BATCH)).isEqualTo(published);
  }
}
