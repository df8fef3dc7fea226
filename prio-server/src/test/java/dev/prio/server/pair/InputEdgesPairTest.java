package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 10 over two real servers: a BOM at the start of each file, blank lines, ids with
 * control characters and a {@code *.json} beside the data; and batch ids that are only dots, on the
 * operator API and the peer API.
 */
class InputEdgesPairTest {
  private static final String DATE = "2026-11-24";
  private static final String BATCH = "test-edges";
  private static final String BOM = "\uFEFF";

  @TempDir Path work;

  @Test
  void bomBlankLinesBadIdsAndStrayJsonAreHandledAsDocumented() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated first = new Generated(keys, PrioConfig.of(6, BATCH), 21);
    first.addValid(5);
    Generated second = new Generated(keys, PrioConfig.of(6, BATCH), 22);
    for (int i = 0; i < 4; i++) {
      second.valid("second-" + i);
    }
    long[] sums = new long[6];
    for (int i = 0; i < 6; i++) {
      sums[i] = first.trueSums[i] + second.trueSums[i];
    }
    // Two bad ids (NUL, newline) on both sides: counted on A as malformed lines, in total.
    String badIds =
        "{\"id\": \"x\\u0000y\", \"payload\": \"AAEC\"}\n{\"id\": \"x\\ny\", \"payload\": \"AAEC\"}\n";
    try (ServerPair pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 6}]")
            .with("prio.batch.chunk-size", "4")
            .start()) {
      for (ServerId s : ServerId.values()) {
        String one = (s == ServerId.A ? first.forA : first.forB).toString();
        String two = (s == ServerId.A ? second.forA : second.forB).toString();
        Staging.write(
            pair.root(s),
            DATE,
            BATCH,
            s,
            "part-0.ndjson",
            BOM + "\n  \n" + one.replace("\n", "\n\r\n") + "\t\n");
        Staging.write(pair.root(s), DATE, BATCH, s, "part-1.ndjson", BOM + two + "\n\n" + badIds);
        // Not input: a manifest beside the data (if it were read, it would be 5 more submissions).
        Staging.write(pair.root(s), DATE, BATCH, s, "manifest.json", one);
      }
      assertThat(pair.startBatch(BATCH, DATE).statusCode()).isEqualTo(202);
      String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(60));
      assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
      assertThat(BadInputPairTest.submissions(a))
          .as(a)
          .isEqualTo(new TreeMap<>(Map.of("valid", 9L, "malformed_line", 2L)));
      String published = Staging.published(pair.root(ServerId.A), DATE, BATCH);
      assertThat(published)
          .contains("\"payload\":" + java.util.Arrays.toString(sums).replace(" ", ""))
          .contains("\"error\":2,\"total\":11");

      // Dot-only batch ids, in every form a client may send them, never create a batch.
      for (String id : new String[] {".", "..", "...", "%2E", "%2e%2E", ".%2E"}) {
        HttpResponse<String> start =
            pair.post(ServerId.A, "/batches/" + id, "{\"submissionDate\":\"" + DATE + "\"}");
        assertThat(start.statusCode()).as(id + ": " + start.body()).isBetween(400, 499);
        HttpResponse<String> get =
            pair.get(ServerId.A, "/batches/" + id + "?submissionDate=" + DATE);
        assertThat(get.statusCode()).as(id + ": " + get.body()).isBetween(400, 499);
      }
      HttpResponse<String> dots =
          pair.post(ServerId.A, "/batches/...", "{\"submissionDate\":\"" + DATE + "\"}");
      assertThat(dots.statusCode()).isEqualTo(400);
      assertThat(dots.body()).contains("urn:prio:problem:bad-request").contains("only dots");

      // The peer API, signed as A would: 400 problem details, not a handshake.
      URI peer = URI.create(pair.url(ServerId.B) + "/peer/v1/batches/" + DATE + "/...");
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      HttpRequest.Builder req =
          HttpRequest.newBuilder(peer)
              .header("Content-Type", "application/json")
              .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
      ServerPair.PEER_AUTH.signAsA("PUT", peer, body, req::header);
      HttpResponse<String> r =
          HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(r.body()).contains("urn:prio:problem:bad-request");
      try (var states = Files.walk(pair.root(ServerId.A).resolve("prio/v1/state"))) {
        assertThat(states.filter(p -> p.getFileName().toString().equals("batch.json")).count())
            .isEqualTo(1);
      }
    }
  }
}
