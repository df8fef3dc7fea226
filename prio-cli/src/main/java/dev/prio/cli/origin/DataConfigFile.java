package dev.prio.cli.origin;

import dev.prio.cli.CliException;
import dev.prio.cli.Files2;
import dev.prio.core.config.DataConfigParser;
import java.nio.file.Path;
import java.util.Map;

/** A DATA_CONFIG file, read with prio-core's rules ({@link DataConfigParser}), the servers' too. */
final class DataConfigFile {
  private DataConfigFile() {}

  static Map<String, Integer> read(Path file) throws CliException {
    try {
      return DataConfigParser.parse(Files2.readText(file));
    } catch (DataConfigParser.InvalidDataConfigException e) {
      throw CliException.failure(file + ": " + e.getMessage());
    }
  }
}
