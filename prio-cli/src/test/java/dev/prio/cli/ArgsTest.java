package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.RMode;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The one parser (picocli, configured by {@link Cli}) behaves as prio-processor's click does. */
class ArgsTest {
  /** options.py's environment variables, in its order. */
  static final List<String> ENV_VARS =
      List.of(
          "N_DATA",
          "BATCH_ID",
          "SERVER_ID",
          "PRIVATE_KEY_HEX",
          "SHARED_SECRET",
          "PUBLIC_KEY_HEX_INTERNAL",
          "PUBLIC_KEY_HEX_EXTERNAL",
          "INPUT",
          "INPUT_INTERNAL",
          "INPUT_EXTERNAL",
          "OUTPUT",
          "OUTPUT_A",
          "OUTPUT_B",
          "R_MODE",
          "PRG_MODE");

  private static <T extends CliCommand> T parse(
      T command, List<String> argv, Map<String, String> env) throws CliException {
    CommandLine cl = Cli.commandLine(command, env);
    Cli.parse(cl, argv);
    return command;
  }

  private static ProcessorCommands.Verify1 verify1(List<String> argv, Map<String, String> env)
      throws CliException {
    return parse(new ProcessorCommands.Verify1(), argv, env);
  }

  /** Every option of verify1 given, so that a test can leave out or override one. */
  private static List<String> all(String... extra) {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "--n-data",
                "5",
                "--batch-id",
                "test",
                "--server-id",
                "B",
                "--private-key-hex",
                "k",
                "--shared-secret",
                "s",
                "--public-key-hex-internal",
                "i",
                "--public-key-hex-external",
                "e",
                "--input",
                "in",
                "--output",
                "out"));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void flagsInBothSpellings() throws Exception {
    ProcessorCommands.Verify1 a =
        verify1(all("--n-data", "5", "--batch-id=test", "--server-id", "B"), Map.of());
    assertThat(a.data.nData()).isEqualTo(5);
    assertThat(a.data.batchId).isEqualTo("test");
    assertThat(a.server.serverId()).isEqualTo(ServerId.B);
  }

  @Test
  void everyEnvironmentVariableOfOptionsPy() throws Exception {
    Set<String> names = new LinkedHashSet<>();
    for (Class<? extends CliCommand> c : Cli.COMMANDS.values()) {
      CommandLine cl = Cli.commandLine(c.getDeclaredConstructor().newInstance(), Map.of());
      if (cl.getCommand() instanceof ProcessorCommands.Processor) {
        cl.getCommandSpec().options().forEach(o -> names.add(Cli.envVar(o)));
      }
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(ENV_VARS);
    Map<String, String> env = new HashMap<>();
    for (String n : ENV_VARS) {
      env.put(n, "v-" + n);
    }
    ProcessorCommands.Verify2 v = parse(new ProcessorCommands.Verify2(), List.of(), env);
    assertThat(v.data.batchId).isEqualTo("v-BATCH_ID");
    assertThat(v.peers.internal).isEqualTo("v-INPUT_INTERNAL");
    assertThat(v.modes.prgMode).isEqualTo("v-PRG_MODE");
    ProcessorCommands.EncodeShares e = parse(new ProcessorCommands.EncodeShares(), List.of(), env);
    assertThat(e.outputA).isEqualTo("v-OUTPUT_A");
    assertThat(e.outputB).isEqualTo("v-OUTPUT_B");
  }

  @Test
  void flagBeatsEnvironmentAndLastFlagWins() throws Exception {
    ProcessorCommands.Verify1 a =
        verify1(
            List.of(
                "--n-data",
                "3",
                "--n-data",
                "4",
                "--server-id",
                "A",
                "--private-key-hex",
                "k",
                "--shared-secret",
                "s",
                "--public-key-hex-internal",
                "i",
                "--public-key-hex-external",
                "e",
                "--input",
                "in",
                "--output",
                "out"),
            Map.of("N_DATA", "9", "BATCH_ID", "fromenv"));
    assertThat(a.data.nData()).isEqualTo(4);
    assertThat(a.data.batchId).isEqualTo("fromenv");
  }

  @Test
  void anEnvironmentValueIsTakenVerbatimNeverExpanded() throws CliException {
    ProcessorCommands.Verify1 a =
        verify1(
            List.of(
                "--n-data",
                "4",
                "--server-id",
                "A",
                "--private-key-hex",
                "p",
                "--shared-secret",
                "s",
                "--public-key-hex-internal",
                "i",
                "--public-key-hex-external",
                "e",
                "--input",
                "in",
                "--output",
                "out"),
            Map.of("BATCH_ID", "K${o*QQ$uwq}z ${env:HOME} %s"));
    assertThat(a.data.batchId).isEqualTo("K${o*QQ$uwq}z ${env:HOME} %s");
  }

  @Test
  void emptyEnvironmentVariableIsUnset() {
    assertThatThrownBy(() -> verify1(List.of(), Map.of("N_DATA", "")))
        .isInstanceOf(CliException.class)
        .hasMessage("missing option --n-data (or environment variable N_DATA)");
  }

  @Test
  void modesDefaultToSequentialAndLegacy() throws Exception {
    ProcessorCommands.Verify1 a = verify1(all(), Map.of());
    assertThat(a.modes.rMode()).isEqualTo(RMode.SEQUENTIAL);
    assertThat(a.modes.prgMode()).isEqualTo(PrgKeyMode.LEGACY);
    ProcessorCommands.Verify1 b =
        verify1(all("--r-mode", "constant"), Map.of("PRG_MODE", "HASHED", "R_MODE", "sequential"));
    assertThat(b.modes.rMode()).isEqualTo(RMode.CONSTANT);
    assertThat(b.modes.prgMode()).isEqualTo(PrgKeyMode.HASHED);
  }

  @Test
  void outputFlagsAsClickSpellsThem() throws Exception {
    ProcessorCommands.EncodeShares a =
        parse(
            new ProcessorCommands.EncodeShares(),
            List.of(
                "--n-data",
                "1",
                "--batch-id",
                "b",
                "--public-key-hex-internal",
                "i",
                "--public-key-hex-external",
                "e",
                "--input",
                "in",
                "--output-A",
                "a/",
                "--output-b",
                "b/"),
            Map.of());
    assertThat(a.outputA).isEqualTo("a/");
    assertThat(a.outputB).isEqualTo("b/");
  }

  @Test
  void usageErrors() {
    assertThatThrownBy(() -> verify1(List.of("--nope", "1"), Map.of()))
        .hasMessage("no such option: --nope");
    assertThatThrownBy(() -> verify1(List.of("--nope=1"), Map.of()))
        .hasMessage("no such option: --nope");
    assertThatThrownBy(() -> verify1(List.of("--input-internal", "x"), Map.of()))
        .hasMessage("no such option: --input-internal");
    assertThatThrownBy(() -> verify1(List.of("stray"), Map.of()))
        .hasMessage("unexpected argument 'stray'");
    assertThatThrownBy(() -> verify1(all("--"), Map.of())).hasMessage("unexpected argument '--'");
    assertThatThrownBy(() -> verify1(List.of("--n-data"), Map.of()))
        .hasMessage("option --n-data requires a value");
    assertThatThrownBy(() -> verify1(List.of("--n-data", "--batch-id", "x"), Map.of()))
        .hasMessage("option --n-data requires a value");
    assertThatThrownBy(() -> verify1(all("--n-data", "five"), Map.of()).data.nData())
        .hasMessageContaining("not an integer");
    assertThatThrownBy(() -> verify1(all("--n-data", "0"), Map.of()).data.nData())
        .hasMessageContaining("between 1 and 262143");
    assertThatThrownBy(() -> verify1(all("--n-data", "-3"), Map.of()).data.nData())
        .hasMessageContaining("between 1 and 262143");
    assertThatThrownBy(() -> verify1(all("--server-id", "a"), Map.of()).server.serverId())
        .hasMessageContaining("A or B");
    assertThatThrownBy(() -> verify1(all("--r-mode", "random"), Map.of()).modes.rMode())
        .hasMessageContaining("sequential or constant");
    assertThatThrownBy(() -> verify1(all("--prg-mode", "x"), Map.of()).modes.prgMode())
        .hasMessageContaining("legacy or hashed");
    assertThatThrownBy(() -> verify1(List.of(), Map.of()))
        .isInstanceOf(CliException.class)
        .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(2));
  }

  @Test
  void helpListsOptionsInOptionsPyOrderWithTheirVariables() {
    String help = Cli.help(Cli.commandLine(new ProcessorCommands.Verify2(), Map.of()));
    List<String> order =
        help.lines().filter(l -> l.startsWith("  --")).map(l -> l.trim().split(" ")[0]).toList();
    assertThat(order)
        .containsExactly(
            "--n-data",
            "--batch-id",
            "--server-id",
            "--private-key-hex",
            "--shared-secret",
            "--public-key-hex-internal",
            "--public-key-hex-external",
            "--input",
            "--input-internal",
            "--input-external",
            "--output",
            "--r-mode",
            "--prg-mode");
    assertThat(help).contains("[INPUT_EXTERNAL]").contains("(required)");
  }
}
