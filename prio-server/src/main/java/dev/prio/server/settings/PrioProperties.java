package dev.prio.server.settings;

import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.RMode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything a server is configured with, one nested record per concern. The seed's environment
 * variables (SERVER_ID, PRIVATE_KEY_HEX, …) are mapped onto these keys in prio-server.yaml. Every
 * property is validated when the server starts; a bad value stops it with one message naming the
 * property, its environment variable and what is allowed ({@link ConfigurationFailureAnalyzer}; the
 * full list is docs/configuration.md, generated from this class).
 *
 * @param role this server's role, A (leader) or B (helper); set by each app
 * @param keys the X25519 keys and the shared seed (secrets)
 * @param storage where input, state and outputs live
 * @param batch what a batch is and when it may publish
 * @param peer how server A reaches server B, and how B limits A's requests
 */
@ConfigurationProperties("prio")
@Validated
public record PrioProperties(
    @NotNull ServerId role,
    @Valid @DefaultValue Keys keys,
    @Valid @DefaultValue Storage storage,
    @Valid @DefaultValue Batch batch,
    @Valid @DefaultValue Peer peer) {

  /** 32 bytes as hex, as {@code prio keygen} prints them (libprio's export format). */
  static final String KEY_HEX = "^\\s*[0-9A-Fa-f]{64}\\s*$";

  /**
   * Secrets: never logged; {@link #toString()} is redacted.
   *
   * @param privateKeyHex this server's X25519 private key, 64 hex digits (PRIVATE_KEY_HEX)
   * @param publicKeyHexInternal this server's X25519 public key, 64 hex digits
   *     (PUBLIC_KEY_HEX_INTERNAL)
   * @param publicKeyHexExternal the other server's X25519 public key, 64 hex digits
   *     (PUBLIC_KEY_HEX_EXTERNAL)
   * @param sharedSecret the seed both servers share, standard base64 of 16 bytes (SHARED_SECRET)
   */
  public record Keys(
      @NotBlank @Pattern(regexp = KEY_HEX, message = "must be 64 hex digits (prio keygen)")
          String privateKeyHex,
      @NotBlank @Pattern(regexp = KEY_HEX, message = "must be 64 hex digits (prio keygen)")
          String publicKeyHexInternal,
      @NotBlank @Pattern(regexp = KEY_HEX, message = "must be 64 hex digits (prio keygen)")
          String publicKeyHexExternal,
      @NotBlank
          @Pattern(
              regexp = "^\\s*[A-Za-z0-9+/]{22}==\\s*$",
              message = "must be standard base64 of 16 bytes (prio shared-seed)")
          String sharedSecret) {
    @Override
    public String toString() {
      return "Keys[redacted]";
    }
  }

  /**
   * Where this server keeps its data.
   *
   * @param root this server's own bucket or directory (BUCKET_INTERNAL), file:/path or
   *     gs://bucket/prefix; input, batch state and outputs all live under it
   * @param publishRoot where published aggregates go (BUCKET_EXTERNAL), file:/path or
   *     gs://bucket/prefix; empty: the root
   * @param retryMaxElapsed how long A retries a failing storage read or write (with backoff) before
   *     the batch fails as STORAGE_ERROR
   * @param gcsHost a GCS emulator endpoint (STORAGE_EMULATOR_HOST), http(s)://host:port, for tests
   *     and demos; unset in production, where the client uses Application Default Credentials
   *     (Workload Identity)
   */
  public record Storage(
      @DefaultValue("file:./prio-data")
          @NotBlank
          @Pattern(regexp = STORAGE_URI, message = "must be file:/path or gs://bucket[/prefix]")
          String root,
      @Pattern(
              regexp = "^$|" + STORAGE_URI,
              message = "must be empty, file:/path or gs://bucket[/prefix]")
          String publishRoot,
      @Pattern(
              regexp = "^$|^(https?://)?[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$",
              message = "must be empty or host:port (http(s):// optional)")
          String gcsHost,
      @DefaultValue("2m") @NotNull @DurationMin(seconds = 1) @DurationMax(hours = 24)
          Duration retryMaxElapsed) {
    static final String STORAGE_URI = "^(file:.+|gs://[a-z0-9][a-z0-9._-]{1,221}[a-z0-9](/.*)?)$";

    public String effectivePublishRoot() {
      return publishRoot == null || publishRoot.isBlank() ? root : publishRoot;
    }
  }

  /**
   * What a batch is and when it may publish.
   *
   * @param dataConfig prio-processor's DATA_CONFIG: a path to (or the inline text of) [{"batch_id":
   *     …, "n_data": …}]
   * @param batchId a single batch id (BATCH_ID), with nData, in place of or beside dataConfig
   * @param nData that batch's length of the clients' bit vector (N_DATA)
   * @param prgMode how the PRG is keyed: LEGACY (libprio 1.5, Firefox) or HASHED (libprio HEAD, the
   *     PyPI wheels); both servers must agree
   * @param rMode the verification point: CONSTANT (prio-processor's Spark semantics, the pair's) or
   *     SEQUENTIAL (CLI vectors only)
   * @param chunkSize submissions per chunk: the unit of a round request and of memory per round
   * @param parallelChunks chunks in flight at once on server A
   * @param minBatchSize fewest valid submissions a batch may publish: the privacy threshold
   *     (docs/operations.md "Thresholds")
   * @param maxRejectRatio largest share of rejected submissions a batch may publish with, 0 to 1
   * @param progressInterval how often a server (each replica) writes its finished chunks' counts to
   *     the batch's state: one write per interval instead of one per chunk; the status lags by at
   *     most this during VERIFY and is exact from the total round on
   */
  public record Batch(
      String dataConfig,
      @Pattern(
              regexp = "^$|^[A-Za-z0-9._-]{1,200}$",
              message = "must be empty or match [A-Za-z0-9._-]{1,200}")
          String batchId,
      @Min(1) @Max(1_000_000) Integer nData,
      @DefaultValue("LEGACY") @NotNull PrgKeyMode prgMode,
      @DefaultValue("CONSTANT") @NotNull RMode rMode,
      @DefaultValue("250") @Min(1) @Max(100_000) int chunkSize,
      @DefaultValue("2") @Min(1) @Max(64) int parallelChunks,
      @DefaultValue("100") @Min(1) long minBatchSize,
      @DefaultValue("0.5") @DecimalMin("0.0") @DecimalMax("1.0") double maxRejectRatio,
      @DefaultValue("2s") @NotNull @DurationMin(millis = 10) @DurationMax(hours = 1)
          Duration progressInterval) {}

  /**
   * The other server and how A talks to it.
   *
   * @param url server B's base URL, http(s)://host[:port] (required on server A)
   * @param sslBundle the Spring SSL bundle A uses for an https peer URL: its truststore holds B's
   *     certificate (or CA), its keystore, if any, the client certificate B asks for under mutual
   *     TLS
   * @param maxConcurrentRounds round requests B works on at once before answering 429
   * @param connectTimeout how long A waits to connect to B
   * @param readTimeout how long A waits for B's answer to one round request
   * @param maxAttempts attempts per round request, the first included: only a safety net, the time
   *     limit ({@code maxElapsed}) is what ends retries
   * @param initialBackoff the wait before the first retry; doubled (with full jitter) for each next
   *     one
   * @param maxBackoff the longest wait between two retries
   * @param maxElapsed the longest A keeps retrying one round request: long enough to ride out a
   *     restart or a rolling update of B
   */
  public record Peer(
      @Pattern(
              regexp = "^$|^https?://[^\\s/?#]+(/[^\\s?#]*)?$",
              message = "must be http(s)://host[:port][/path]")
          String url,
      @Pattern(
              regexp = "^$|^[A-Za-z0-9._-]+$",
              message = "must be a bundle name under spring.ssl.bundle")
          String sslBundle,
      @DefaultValue("8") @Min(1) @Max(1024) int maxConcurrentRounds,
      @DefaultValue("5s") @NotNull @DurationMin(millis = 1) @DurationMax(minutes = 10)
          Duration connectTimeout,
      @DefaultValue("120s") @NotNull @DurationMin(millis = 1) @DurationMax(hours = 1)
          Duration readTimeout,
      @DefaultValue("1000") @Min(1) @Max(1_000_000) int maxAttempts,
      @DefaultValue("200ms") @NotNull @DurationMin(millis = 1) @DurationMax(minutes = 10)
          Duration initialBackoff,
      @DefaultValue("10s") @NotNull @DurationMin(millis = 1) @DurationMax(minutes = 10)
          Duration maxBackoff,
      @DefaultValue("10m") @NotNull @DurationMin(seconds = 1) @DurationMax(hours = 24)
          Duration maxElapsed) {}
}
