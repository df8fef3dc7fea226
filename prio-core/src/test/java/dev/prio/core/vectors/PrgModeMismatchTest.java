package dev.prio.core.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.PrioServer;
import dev.prio.core.snip.RMode;
import dev.prio.core.snip.Verifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two PRG key modes are incompatible (spec §4.1, §9): a set made by libprio HEAD (HASHED) fails
 * every row under LEGACY, as the vectors' README says, and the LEGACY upstream fixture fails every
 * row under HASHED; each passes every row in its own mode.
 */
class PrgModeMismatchTest {
  static VectorSet set(String relative, PrgKeyMode mode) {
    Path dir = VectorSet.vectorsDir(relative);
    return new VectorSet(relative, dir, mode, RMode.SEQUENTIAL);
  }

  /**
   * isValid per raw row, with prio-processor's CLI flow in one pass (same r schedule on both
   * servers).
   */
  static List<Boolean> validity(VectorSet set) throws PrioException {
    PrioServer a =
        new PrioServer(
            set.config(),
            ServerId.A,
            set.privateKey(ServerId.A),
            set.seed(),
            set.prgMode(),
            set.rMode());
    PrioServer b =
        new PrioServer(
            set.config(),
            ServerId.B,
            set.privateKey(ServerId.B),
            set.seed(),
            set.prgMode(),
            set.rMode());
    List<String[]> rowsA = VectorSet.rows(set.serverFile(ServerId.A, "raw/data.ndjson"));
    List<String[]> rowsB = VectorSet.rows(set.serverFile(ServerId.B, "raw/data.ndjson"));
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < rowsA.size(); i++) {
      assertThat(rowsB.get(i)[0]).isEqualTo(rowsA.get(i)[0]);
      Verifier va = a.setData(Base64.getDecoder().decode(rowsA.get(i)[1]));
      Verifier vb = b.setData(Base64.getDecoder().decode(rowsB.get(i)[1]));
      PacketVerify1 da = va.verify1(), db = vb.verify1();
      out.add(Verifier.isValid(va.verify2(da, db), vb.verify2(db, da)));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} under {1}: valid={2}")
  @CsvSource({
    "libprio-generated/hashed-n5-cli, LEGACY, false",
    "libprio-generated/hashed-n5-cli, HASHED, true",
    "prio-processor/tests/resources/cli, HASHED, false",
    "prio-processor/tests/resources/cli, LEGACY, true"
  })
  void everyRowFollowsTheKeyMode(String relative, PrgKeyMode mode, boolean valid) throws Exception {
    assertThat(validity(set(relative, mode))).hasSize(5).containsOnly(valid);
  }
}
