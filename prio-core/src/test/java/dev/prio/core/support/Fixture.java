package dev.prio.core.support;

import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.RMode;
import dev.prio.core.vectors.VectorSet;
import java.util.Base64;
import java.util.List;

/**
 * The upstream prio-processor CLI fixture (n_data 5, batch "test", LEGACY, SEQUENTIAL), read in
 * place.
 */
public final class Fixture {
  public static final VectorSet SET =
      new VectorSet(
          "prio-processor-cli",
          VectorSet.vectorsDir("prio-processor/tests/resources/cli"),
          PrgKeyMode.LEGACY,
          RMode.SEQUENTIAL);

  private Fixture() {}

  /** Ciphertexts of server s's raw/data.ndjson, in file order. */
  public static List<byte[]> ciphertexts(ServerId s) {
    return VectorSet.rows(SET.serverFile(s, "raw/data.ndjson")).stream()
        .map(row -> Base64.getDecoder().decode(row[1]))
        .toList();
  }

  public static VectorSet set(String libprioGeneratedName, PrgKeyMode prg, RMode r) {
    return new VectorSet(
        libprioGeneratedName,
        VectorSet.vectorsDir("libprio-generated/" + libprioGeneratedName),
        prg,
        r);
  }
}
