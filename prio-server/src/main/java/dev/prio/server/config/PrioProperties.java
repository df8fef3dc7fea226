package dev.prio.server.config;

import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.RMode;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything a server is configured with, one nested record per concern. The seed's environment
 * variables (SERVER_ID, PRIVATE_KEY_HEX, …) are mapped onto these keys in prio-server.yaml.
 */
@ConfigurationProperties("prio")
public record PrioProperties(
    ServerId role,
    @DefaultValue Keys keys,
    @DefaultValue Storage storage,
    @DefaultValue Batch batch,
    @DefaultValue Peer peer) {

  /** Secrets: never logged; {@link #toString()} is redacted. */
  public record Keys(String privateKeyHex, String publicKeyHexInternal, String publicKeyHexExternal, String sharedSecret) {
    @Override
    public String toString() {
      return "Keys[redacted]";
    }
  }

  /**
   * {@code root}: this server's own bucket or directory (BUCKET_INTERNAL), {@code file:/path} or
   * {@code gs://bucket/prefix}; input, batch state and outputs all live under it.
   * {@code publishRoot}: where published aggregates go (BUCKET_EXTERNAL); defaults to root.
   * {@code gcsHost}: a GCS emulator endpoint (STORAGE_EMULATOR_HOST) for tests and demos; unset in
   * production, where the client uses Application Default Credentials (Workload Identity).
   */
  public record Storage(@DefaultValue("file:./prio-data") String root, String publishRoot, String gcsHost) {
    public String effectivePublishRoot() {
      return publishRoot == null || publishRoot.isBlank() ? root : publishRoot;
    }
  }

  /**
   * {@code dataConfig}: DATA_CONFIG, a path to (or the inline text of) prio-processor's
   * {@code [{"batch_id": …, "n_data": …}]}; or a single batch through {@code batchId}/{@code nData}.
   */
  public record Batch(
      String dataConfig,
      String batchId,
      Integer nData,
      @DefaultValue("LEGACY") PrgKeyMode prgMode,
      @DefaultValue("CONSTANT") RMode rMode,
      @DefaultValue("250") int chunkSize,
      @DefaultValue("2") int parallelChunks,
      @DefaultValue("100") long minBatchSize,
      @DefaultValue("0.5") double maxRejectRatio) {}

  /**
   * The other server's base URL and how A talks to it; {@code maxConcurrentRounds} is how many
   * round requests B works on at once before answering 429. {@code sslBundle} names the Spring SSL
   * bundle A uses for an https peer URL: its truststore holds B's certificate (or CA), its keystore,
   * if any, the client certificate B asks for under mutual TLS.
   */
  public record Peer(
      String url,
      String sslBundle,
      @DefaultValue("8") int maxConcurrentRounds,
      @DefaultValue("5s") Duration connectTimeout,
      @DefaultValue("120s") Duration readTimeout,
      @DefaultValue("6") int maxAttempts,
      @DefaultValue("200ms") Duration initialBackoff,
      @DefaultValue("10m") Duration maxElapsed) {}
}
