package dev.prio.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * prio-processor's seven commands (commands.py) as picocli declares them: name, description and
 * options; the bodies are in {@link ClientCommands} and {@link Commands}.
 */
final class ProcessorCommands {
  private ProcessorCommands() {}

  /**
   * A prio-processor command: its options also come from environment variables, and after the
   * required check every typed value is checked before the body runs, as click does.
   */
  abstract static class Processor implements CliCommand {
    @Override
    public final void run(Context ctx) throws CliException {
      validate();
      execute(ctx);
    }

    void validate() throws CliException {}

    abstract void execute(Context ctx) throws CliException;
  }

  /** The options of verify1, verify2, aggregate and publish that say which server runs. */
  abstract static class ServerCommand extends Processor {
    @Mixin ProcessorOptions.DataConfig data;
    @Mixin ProcessorOptions.Server server;
    @Mixin ProcessorOptions.PublicKeys keys;

    abstract ProcessorOptions.Modes modes();

    @Override
    void validate() throws CliException {
      data.nData();
      server.serverId();
      modes().rMode();
      modes().prgMode();
    }
  }

  @Command(name = "shared-seed", description = "Generate a shared server secret in base64.")
  static final class SharedSeed extends Processor {
    @Override
    void execute(Context ctx) {
      ClientCommands.sharedSeed(ctx);
    }
  }

  @Command(name = "keygen", description = "Generate a curve25519 key pair as json.")
  static final class Keygen extends Processor {
    @Override
    void execute(Context ctx) {
      ClientCommands.keygen(ctx);
    }
  }

  @Command(
      name = "encode-shares",
      description = "Encode client payloads into shares for servers A and B (test client).")
  static final class EncodeShares extends Processor {
    @Mixin ProcessorOptions.DataConfig data;
    @Mixin ProcessorOptions.PublicKeys keys;
    @Mixin ProcessorOptions.Input input;

    @Option(
        names = {"--output-A", "--output-a"},
        paramLabel = "DIRECTORY",
        required = true,
        description = "The path to the input directory of server A.")
    String outputA;

    @Option(
        names = {"--output-B", "--output-b"},
        paramLabel = "DIRECTORY",
        required = true,
        description = "The path to the input directory of server B.")
    String outputB;

    @Mixin ProcessorOptions.Modes modes;

    Path outputA() throws CliException {
      return Values.path(outputA, "--output-A");
    }

    Path outputB() throws CliException {
      return Values.path(outputB, "--output-B");
    }

    @Override
    void validate() throws CliException {
      data.nData();
      modes.rMode();
      modes.prgMode();
    }

    @Override
    void execute(Context ctx) throws CliException {
      ClientCommands.encodeShares(ctx, this);
    }
  }

  @Command(name = "verify1", description = "Decode a batch of shares")
  static final class Verify1 extends ServerCommand {
    @Mixin ProcessorOptions.Input input;
    @Mixin ProcessorOptions.Output output;
    @Mixin ProcessorOptions.Modes modes;

    @Override
    ProcessorOptions.Modes modes() {
      return modes;
    }

    @Override
    void execute(Context ctx) throws CliException {
      new Commands(ctx).verify1(this);
    }
  }

  /** verify2 and aggregate read the same files. */
  abstract static class RoundCommand extends ServerCommand {
    @Mixin ProcessorOptions.Input input;
    @Mixin ProcessorOptions.PeerInputs peers;
    @Mixin ProcessorOptions.Output output;
    @Mixin ProcessorOptions.Modes modes;

    @Override
    ProcessorOptions.Modes modes() {
      return modes;
    }
  }

  @Command(name = "verify2", description = "Verify a batch of SNIPs")
  static final class Verify2 extends RoundCommand {
    @Override
    void execute(Context ctx) throws CliException {
      new Commands(ctx).verify2(this);
    }
  }

  @Command(
      name = "aggregate",
      description = "Generate an aggregate share from a batch of verified SNIPs")
  static final class Aggregate extends RoundCommand {
    @Override
    void execute(Context ctx) throws CliException {
      new Commands(ctx).aggregate(this);
    }
  }

  @Command(
      name = "publish",
      description = "Generate a final aggregate and remap data to a content blocklist")
  static final class Publish extends ServerCommand {
    @Mixin ProcessorOptions.PeerInputs peers;
    @Mixin ProcessorOptions.Output output;
    @Mixin ProcessorOptions.Modes modes;

    @Override
    ProcessorOptions.Modes modes() {
      return modes;
    }

    @Override
    void execute(Context ctx) throws CliException {
      new Commands(ctx).publish(this);
    }
  }
}
