package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.packet.ServerId;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A misconfigured server refuses to start with one message that names the property, its environment
 * variable and what is allowed: one case per property group (keys, storage, batch, peer,
 * peer-auth), each on a real server start.
 */
@ExtendWith(OutputCaptureExtension.class)
class MisconfigurationTest {
  private static final String CONFIG = "[{\"batch_id\": \"conf-0\", \"n_data\": 4}]";

  @TempDir Path work;

  private String refusal(CapturedOutput output, ServerId role, String property, String value)
      throws Exception {
    ServerPair pair =
        new ServerPair(work, Generated.newKeys(), CONFIG).withRole(role, property, value);
    assertThatThrownBy(
            () -> {
              if (role == ServerId.A) {
                pair.startA();
              } else {
                pair.startB();
              }
            })
        .isNotNull();
    pair.close();
    String out = output.getAll();
    assertThat(out)
        .contains("APPLICATION FAILED TO START")
        .contains("The server is misconfigured:");
    return out.substring(out.lastIndexOf("APPLICATION FAILED TO START"));
  }

  @Test
  void keys(CapturedOutput output) throws Exception {
    String seed = refusal(output, ServerId.B, "prio.keys.shared-secret", "c2hvcnQ=");
    assertThat(seed)
        .contains(
            "prio.keys.shared-secret (environment variable SHARED_SECRET or PRIO_KEYS_SHAREDSECRET) is invalid;"
                + " allowed: must be standard base64 of 16 bytes (prio shared-seed)")
        .doesNotContain("c2hvcnQ=");
  }

  @Test
  void keysThatParseButDoNotMatch(CapturedOutput output) throws Exception {
    String other = Generated.newKeys().a().publicKey().toHex();
    String mismatch = refusal(output, ServerId.B, "prio.keys.public-key-hex-internal", other);
    assertThat(mismatch)
        .contains(
            "prio.keys.public-key-hex-internal (environment variable PUBLIC_KEY_HEX_INTERNAL or"
                + " PRIO_KEYS_PUBLICKEYHEXINTERNAL) is not the public key of PRIVATE_KEY_HEX")
        .doesNotContain(other);
  }

  @Test
  void storage(CapturedOutput output) throws Exception {
    assertThat(refusal(output, ServerId.B, "prio.storage.root", "s3://bucket/prefix"))
        .contains(
            "prio.storage.root (environment variable BUCKET_INTERNAL or PRIO_STORAGE_ROOT) is invalid;"
                + " allowed: must be file:/path or gs://bucket[/prefix]");
  }

  @Test
  void batch(CapturedOutput output) throws Exception {
    assertThat(refusal(output, ServerId.B, "prio.batch.chunk-size", "0"))
        .contains(
            "prio.batch.chunk-size (environment variable PRIO_BATCH_CHUNKSIZE) is invalid;"
                + " allowed: must be greater than or equal to 1");
  }

  @Test
  void batchEnum(CapturedOutput output) throws Exception {
    assertThat(refusal(output, ServerId.B, "prio.batch.prg-mode", "SHA256"))
        .contains(
            "prio.batch.prg-mode (environment variable PRIO_BATCH_PRGMODE) cannot be read as one of its values;"
                + " allowed: LEGACY, HASHED");
  }

  @Test
  void peer(CapturedOutput output) throws Exception {
    assertThat(refusal(output, ServerId.A, "prio.peer.max-attempts", "0"))
        .contains(
            "prio.peer.max-attempts (environment variable PRIO_PEER_MAXATTEMPTS) is invalid;"
                + " allowed: must be greater than or equal to 1");
  }

  @Test
  void peerUrlOnServerA(CapturedOutput output) throws Exception {
    assertThat(refusal(output, ServerId.A, "prio.peer.url", ""))
        .contains(
            "prio.peer.url (environment variable PRIO_PEER_URL) is required on server A;"
                + " allowed: server B's base URL, http(s)://host[:port]");
  }

  @Test
  void peerAuth(CapturedOutput output) throws Exception {
    assertThat(refusal(output, ServerId.B, "prio.peer-auth.clock-skew", "0s"))
        .contains(
            "prio.peer-auth.clock-skew (environment variable PRIO_PEERAUTH_CLOCKSKEW) is invalid;"
                + " allowed: must be longer than or equal to 1 second");
  }

  @Test
  void peerAuthHandWrittenCheck(CapturedOutput output) throws Exception {
    assertThat(refusal(output, ServerId.B, "prio.peer-auth.operator-token-sha256", ""))
        .contains(
            "prio.peer-auth.operator-token-sha256 (environment variable PRIO_PEERAUTH_OPERATORTOKENSHA256) is required");
  }
}
