package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A full batch with a failure and a retry in it, with every log line captured: no private key,
 * shared seed (in any encoding) or client share may appear in any of them.
 */
@ExtendWith(OutputCaptureExtension.class)
class NoSecretsInLogsTest {
  private static final String DATE = "2026-11-17";
  private static final String BATCH = "secrets-0";

  @TempDir Path work;

  @Test
  void noSecretReachesTheLog(CapturedOutput output) throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(4, BATCH), 17);
    gen.addValid(6);
    gen.invalidProof("bad");
    String config =
        "[{\"batch_id\": \""
            + BATCH
            + "\", \"n_data\": 4}, {\"batch_id\": \"no-input\", \"n_data\": 4}]";
    try (ServerPair pair =
        new ServerPair(work, keys, config).with("logging.level.dev.prio", "DEBUG").start()) {
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "in.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "in.ndjson", gen.forB.toString());
      pair.startBatch(BATCH, DATE);
      assertThat(pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(30)))
          .contains("PUBLISHED");
      pair.startBatch("no-input", DATE);
      pair.awaitTerminal(ServerId.A, "no-input", DATE, Duration.ofSeconds(30));
    }
    String log = output.getAll();
    assertThat(log).contains("Tomcat started on port").contains("failed: NO_INPUT");
    List<String> secrets = new ArrayList<>();
    for (var pair : List.of(keys.a(), keys.b())) {
      secrets.add(pair.privateKey().toHex());
      secrets.add(pair.privateKey().toHex().toLowerCase(Locale.ROOT));
    }
    byte[] seed = keys.seed().raw();
    secrets.add(keys.seed().toBase64());
    secrets.add(keys.seed().toBase64().replace("=", ""));
    secrets.add(HexFormat.of().formatHex(seed));
    for (String line : gen.forA.toString().split("\n")) {
      secrets.add(
          line.substring(
              line.indexOf("\"payload\": \"") + 12, line.indexOf("\"payload\": \"") + 60));
    }
    secrets.addAll(List.of(ServerPair.PEER_AUTH.secrets()));
    for (String secret : secrets) {
      assertThat(log).as("a secret or share appears in the log").doesNotContain(secret);
    }
  }
}
