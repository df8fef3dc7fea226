package dev.prio.core.vectors;

import dev.prio.core.codec.PacketVerify1Codec;
import dev.prio.core.codec.PacketVerify2Codec;
import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;
import dev.prio.core.snip.Accumulator;
import dev.prio.core.snip.PrioServer;
import dev.prio.core.snip.TotalShares;
import dev.prio.core.snip.Verifier;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector set reproduced byte for byte through the library API, with prio-processor CLI
 * semantics (spec §7.4): verify1, verify2 and aggregate files of both servers, and the published
 * payload. Failures are collected per file before asserting, so one run shows every mismatch.
 */
class VectorReproductionTest {
  static List<VectorSet> sets() {
    return VectorSet.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void reproducesEveryFile(VectorSet set) throws Exception {
    SoftAssertions soft = new SoftAssertions();
    Map<ServerId, TotalShare> totals = new HashMap<>();
    for (ServerId s : ServerId.values()) {
      List<String[]> raw = VectorSet.rows(set.serverFile(s, "raw/data.ndjson"));

      String verify1 = verify1(set, s, raw);
      soft.assertThat(verify1)
          .as("%s verify1", s)
          .isEqualTo(set.serverFile(s, "intermediate/internal/verify1/data.ndjson"));

      String verify2 = verify2(set, s, raw);
      soft.assertThat(verify2)
          .as("%s verify2", s)
          .isEqualTo(set.serverFile(s, "intermediate/internal/verify2/data.ndjson"));

      String aggregate = aggregate(set, s, raw, totals);
      soft.assertThat(aggregate)
          .as("%s aggregate", s)
          .isEqualTo(set.serverFile(s, "intermediate/internal/aggregate/data.ndjson"));
    }
    long[] counts =
        TotalShares.combine(totals.get(ServerId.A), totals.get(ServerId.B), set.config().nData());
    String published =
        Arrays.stream(counts)
            .mapToObj(Long::toUnsignedString)
            .collect(Collectors.joining(", ", "[", "]"));
    for (ServerId s : ServerId.values()) {
      soft.assertThat(published)
          .as("%s published payload", s)
          .isEqualTo(VectorSet.publishedPayload(set.serverFile(s, "processed/data.ndjson")));
    }
    soft.assertAll();
  }

  private static PrioServer server(VectorSet set, ServerId s) {
    return new PrioServer(
        set.config(), s, set.privateKey(s), set.seed(), set.prgMode(), set.rMode());
  }

  private static String line(String id, byte[] payload) {
    return "{\"id\": \""
        + id
        + "\", \"payload\": \""
        + Base64.getEncoder().encodeToString(payload)
        + "\"}\n";
  }

  private static String verify1(VectorSet set, ServerId s, List<String[]> raw) {
    PrioServer server = server(set, s);
    StringBuilder out = new StringBuilder();
    for (String[] row : raw) {
      try {
        Verifier v = server.setData(Base64.getDecoder().decode(row[1]));
        out.append(line(row[0], PacketVerify1Codec.write(v.verify1())));
      } catch (PrioException e) {
        // dropped, as prio-processor's verify1 drops it
      }
    }
    return out.toString();
  }

  private static Map<String, byte[]> index(String ndjson) {
    Map<String, byte[]> m = new HashMap<>();
    for (String[] row : VectorSet.rows(ndjson)) {
      m.put(row[0], Base64.getDecoder().decode(row[1]));
    }
    return m;
  }

  private static String verify2(VectorSet set, ServerId s, List<String[]> raw) {
    PrioServer server = server(set, s);
    Map<String, byte[]> internal =
        index(set.serverFile(s, "intermediate/internal/verify1/data.ndjson"));
    Map<String, byte[]> external =
        index(set.serverFile(s, "intermediate/external/verify1/data.ndjson"));
    StringBuilder out = new StringBuilder();
    for (String[] row : raw) {
      if (!internal.containsKey(row[0]) || !external.containsKey(row[0])) {
        continue;
      }
      try {
        Verifier v = server.setData(Base64.getDecoder().decode(row[1]));
        PacketVerify1 mine = PacketVerify1Codec.read(internal.get(row[0]));
        PacketVerify1 theirs = PacketVerify1Codec.read(external.get(row[0]));
        out.append(line(row[0], PacketVerify2Codec.write(v.verify2(mine, theirs))));
      } catch (PrioException e) {
        // dropped
      }
    }
    return out.toString();
  }

  private static String aggregate(
      VectorSet set, ServerId s, List<String[]> raw, Map<ServerId, TotalShare> totals) {
    PrioConfig config = set.config();
    PrioServer server = server(set, s);
    Map<String, byte[]> internal =
        index(set.serverFile(s, "intermediate/internal/verify2/data.ndjson"));
    Map<String, byte[]> external =
        index(set.serverFile(s, "intermediate/external/verify2/data.ndjson"));
    Accumulator acc = new Accumulator(config, s);
    int error = 0;
    for (String[] row : raw) {
      if (!internal.containsKey(row[0]) || !external.containsKey(row[0])) {
        error++;
        continue;
      }
      try {
        Verifier v = server.setData(Base64.getDecoder().decode(row[1]));
        PacketVerify2 mine = PacketVerify2Codec.read(internal.get(row[0]));
        PacketVerify2 theirs = PacketVerify2Codec.read(external.get(row[0]));
        acc.aggregate(v, mine, theirs);
      } catch (PrioException e) {
        error++;
      }
    }
    TotalShare total = acc.totalShare();
    totals.put(s, total);
    return "{\"payload\": \""
        + Base64.getEncoder().encodeToString(TotalShareCodec.write(total))
        + "\", \"error\": "
        + error
        + ", \"total\": "
        + raw.size()
        + "}";
  }
}
