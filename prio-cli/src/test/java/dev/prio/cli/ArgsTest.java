package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.RMode;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {
  private static final Set<Opt> VERIFY1 = Main.COMMANDS.get("verify1").options();

  private static Args parse(List<String> argv, Map<String, String> env) throws CliException {
    return Args.parse("verify1", VERIFY1, argv, env);
  }

  @Test
  void flagsInBothSpellings() throws Exception {
    Args a = parse(List.of("--n-data", "5", "--batch-id=test", "--server-id", "B"), Map.of());
    assertThat(a.nData()).isEqualTo(5);
    assertThat(a.require(Opt.BATCH_ID)).isEqualTo("test");
    assertThat(a.serverId()).isEqualTo(ServerId.B);
  }

  @Test
  void everyEnvironmentVariableOfOptionsPy() throws Exception {
    Map<String, String> env = new HashMap<>();
    for (Opt o : Opt.values()) {
      env.put(o.envVar(), "v-" + o.name());
    }
    Set<Opt> all = EnumSet.allOf(Opt.class);
    Args a = Args.parse("x", all, List.of(), env);
    for (Opt o : all) {
      assertThat(a.require(o)).isEqualTo("v-" + o.name());
    }
    assertThat(List.of(Opt.values()).stream().map(Opt::envVar)).containsExactly("N_DATA", "BATCH_ID", "SERVER_ID",
        "PRIVATE_KEY_HEX", "SHARED_SECRET", "PUBLIC_KEY_HEX_INTERNAL", "PUBLIC_KEY_HEX_EXTERNAL", "INPUT",
        "INPUT_INTERNAL", "INPUT_EXTERNAL", "OUTPUT", "OUTPUT_A", "OUTPUT_B", "R_MODE", "PRG_MODE");
  }

  @Test
  void flagBeatsEnvironmentAndLastFlagWins() throws Exception {
    Args a = parse(List.of("--n-data", "3", "--n-data", "4"), Map.of("N_DATA", "9", "BATCH_ID", "fromenv"));
    assertThat(a.nData()).isEqualTo(4);
    assertThat(a.require(Opt.BATCH_ID)).isEqualTo("fromenv");
  }

  @Test
  void emptyEnvironmentVariableIsUnset() {
    assertThatThrownBy(() -> parse(List.of(), Map.of("N_DATA", "")).require(Opt.N_DATA))
        .isInstanceOf(CliException.class).hasMessageContaining("missing option --n-data")
        .hasMessageContaining("N_DATA");
  }

  @Test
  void modesDefaultToSequentialAndLegacy() throws Exception {
    Args a = parse(List.of(), Map.of());
    assertThat(a.rMode()).isEqualTo(RMode.SEQUENTIAL);
    assertThat(a.prgMode()).isEqualTo(PrgKeyMode.LEGACY);
    Args b = parse(List.of("--r-mode", "constant"), Map.of("PRG_MODE", "HASHED", "R_MODE", "sequential"));
    assertThat(b.rMode()).isEqualTo(RMode.CONSTANT);
    assertThat(b.prgMode()).isEqualTo(PrgKeyMode.HASHED);
  }

  @Test
  void outputFlagsAsClickSpellsThem() throws Exception {
    Args a = Args.parse("encode-shares", Main.COMMANDS.get("encode-shares").options(),
        List.of("--output-A", "a/", "--output-b", "b/"), Map.of());
    assertThat(a.require(Opt.OUTPUT_A)).isEqualTo("a/");
    assertThat(a.require(Opt.OUTPUT_B)).isEqualTo("b/");
  }

  @Test
  void usageErrors() {
    assertThatThrownBy(() -> parse(List.of("--nope", "1"), Map.of())).hasMessage("no such option: --nope");
    assertThatThrownBy(() -> parse(List.of("--input-internal", "x"), Map.of()))
        .hasMessage("no such option: --input-internal");
    assertThatThrownBy(() -> parse(List.of("stray"), Map.of())).hasMessage("unexpected argument 'stray'");
    assertThatThrownBy(() -> parse(List.of("--n-data"), Map.of())).hasMessage("option --n-data requires a value");
    assertThatThrownBy(() -> parse(List.of("--n-data", "--batch-id", "x"), Map.of()))
        .hasMessage("option --n-data requires a value");
    assertThatThrownBy(() -> parse(List.of("--n-data", "five"), Map.of()).nData()).hasMessageContaining("not an integer");
    assertThatThrownBy(() -> parse(List.of("--n-data", "0"), Map.of()).nData()).hasMessageContaining("between 1 and 262143");
    assertThatThrownBy(() -> parse(List.of("--server-id", "a"), Map.of()).serverId()).hasMessageContaining("A or B");
    assertThatThrownBy(() -> parse(List.of("--r-mode", "random"), Map.of()).rMode()).hasMessageContaining("sequential or constant");
    assertThatThrownBy(() -> parse(List.of("--prg-mode", "x"), Map.of()).prgMode()).hasMessageContaining("legacy or hashed");
    assertThatThrownBy(() -> parse(List.of(), Map.of()).validate(VERIFY1)).isInstanceOf(CliException.class)
        .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(2));
  }
}
