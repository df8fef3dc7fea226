package dev.prio.server.pair;

import dev.prio.core.packet.ServerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes input files into a server's root in the seed's staging layout. */
public final class Staging {
  private Staging() {}

  public static Path inputDir(Path root, String date, String batchId, ServerId s)
      throws IOException {
    return Files.createDirectories(
        root.resolve(
            "prio/v1/submission_date="
                + date
                + "/batch_id="
                + batchId
                + "/server_id="
                + s.name().toLowerCase(Locale.ROOT)));
  }

  public static void write(
      Path root, String date, String batchId, ServerId s, String file, String content)
      throws IOException {
    Files.writeString(inputDir(root, date, batchId, s).resolve(file), content);
  }

  public static String published(Path root, String date, String batchId) throws IOException {
    return Files.readString(
        root.resolve(
            "prio/v1/published/submission_date=" + date + "/batch_id=" + batchId + "/data.ndjson"));
  }
}
