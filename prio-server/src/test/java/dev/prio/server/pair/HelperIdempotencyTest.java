package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.settings.PrioProperties;
import dev.prio.server.settings.ServerKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server B's rounds spoken to directly over HTTP, as a re-sending or confused A would: the same
 * request gets the stored answer, a different request for the same round and chunk is a 409, and
 * malformed or out-of-protocol requests are problem details, never 500s.
 */
class HelperIdempotencyTest {
  private static final String DATE = "2026-11-19";
  private static final String BATCH = "idem-0";

  @TempDir Path work;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void sameRequestSameAnswerDifferentRequestConflict() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(5, BATCH), 9);
    gen.valid("s-1");
    gen.valid("s-2");
    try (ServerPair pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 5}]")) {
      pair.startB();
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "in.ndjson", gen.forB.toString());
      ServerKeys a =
          ServerKeys.from(
              ServerId.A,
              new PrioProperties.Keys(
                  keys.a().privateKey().toHex(),
                  keys.a().publicKey().toHex(),
                  keys.b().publicKey().toHex(),
                  keys.seed().toBase64()));
      String base = pair.url(ServerId.B) + "/peer/v1/batches/" + DATE + "/" + BATCH;

      String handshake =
          "{\"attempt\":1,\"nData\":5,\"prgMode\":\"LEGACY\",\"rMode\":\"CONSTANT\",\"keyFingerprint\":\""
              + a.keyFingerprint()
              + "\",\"seedFingerprint\":\""
              + a.seedFingerprint()
              + "\",\"chunkSize\":2,\"chunkCount\":1,\"submissionCount\":2,\"idChecksum\":\"0\"}";
      HttpResponse<String> hs = put(base, handshake);
      assertThat(hs.statusCode()).as(hs.body()).isEqualTo(200);
      assertThat(hs.body()).contains("\"submissionCount\":2");

      // A's verify1 items: one rejected by A, one id B does not have.
      String verify1 =
          "{\"attempt\":1,\"items\":[{\"id\":\"s-1\",\"reject\":\"decrypt_failed\"},{\"id\":\"zzz\",\"reject\":\"wrong_length\"}]}";
      HttpResponse<String> first = put(base + "/chunks/0/verify1", verify1);
      HttpResponse<String> again = put(base + "/chunks/0/verify1", verify1);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(first.body()).contains("\"id\":\"zzz\"").contains("missing_on_peer");

      String different = verify1.replace("decrypt_failed", "wrong_length");
      HttpResponse<String> conflict = put(base + "/chunks/0/verify1", different);
      assertThat(conflict.statusCode()).isEqualTo(409);
      assertThat(conflict.body()).contains("urn:prio:problem:round-conflict");

      assertThat(put(base + "/chunks/7/verify1", verify1).body())
          .contains("urn:prio:problem:peer-protocol");
      assertThat(
              put(base + "/chunks/0/verify1", "{\"attempt\":1,\"items\":[{\"id\":\"s-1\"}]")
                  .statusCode())
          .isEqualTo(400);
      assertThat(
              put(base + "/chunks/0/verify1", verify1.replace("\"attempt\":1", "\"attempt\":2"))
                  .body())
          .contains("urn:prio:problem:stale-attempt");
      HttpResponse<String> unknown =
          put(
              pair.url(ServerId.B) + "/peer/v1/batches/" + DATE + "/other/chunks/0/verify1",
              verify1);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(put(base, handshake.replace(a.seedFingerprint(), "00")).body())
          .contains("urn:prio:problem:round-conflict");
      assertThat(put(base, handshake).body()).isEqualTo(hs.body());

      // verify2 names the same ids; both already rejected, so B answers with rejections only.
      String verify2 =
          "{\"attempt\":1,\"items\":[{\"id\":\"s-1\",\"reject\":\"rejected_by_peer\"},{\"id\":\"zzz\",\"reject\":\"rejected_by_peer\"}]}";
      HttpResponse<String> v2 = put(base + "/chunks/0/verify2", verify2);
      assertThat(v2.statusCode()).as(v2.body()).isEqualTo(200);
      assertThat(put(base + "/chunks/0/verify2", verify2).body()).isEqualTo(v2.body());

      // A new attempt with other parameters ends the batch on B as a config mismatch.
      assertThat(
              put(
                      base,
                      handshake
                          .replace(a.seedFingerprint(), "00")
                          .replace("\"attempt\":1", "\"attempt\":3"))
                  .body())
          .contains("urn:prio:problem:config-mismatch");
      assertThat(pair.get(ServerId.B, "/batches/" + BATCH + "?submissionDate=" + DATE).body())
          .contains("\"failure\":\"CONFIG_MISMATCH\"")
          .contains("\"attempt\":3");
    }
  }

  private HttpResponse<String> put(String url, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ServerPair.PEER_AUTH.signAsA("PUT", URI.create(url), bytes, b::header);
    return http.send(
        b.PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }
}
