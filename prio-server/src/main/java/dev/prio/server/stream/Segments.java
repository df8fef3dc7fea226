package dev.prio.server.stream;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StorageLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where streamed submissions are stored. A segment is one ndjson object in the window's input
 * prefix (the engine reads it like any staged file), named by the hash of its content and written
 * create-if-absent: rewriting the same segment after a crash is a no-op, never a second copy. A
 * marker per window lets server A find the windows it has yet to close after a restart; A deletes
 * it once the window's batch exists. Submissions for a window whose batch has started go under a
 * separate late prefix, kept but not counted.
 */
final class Segments {
  private static final Logger log = LoggerFactory.getLogger(Segments.class);
  private static final String BASE = "prio/v1/";
  private static final String STREAM = BASE + "stream/";
  private static final Pattern MARKER =
      Pattern.compile(
          "submission_date=(\\d{4}-\\d{2}-\\d{2})/"
              + "(?:window=([^/]+)/)?"
              + "batch_id=([A-Za-z0-9._-]+)\\.json$");

  private final ObjectStore store;
  private final ServerId role;
  private final JsonMapper json;

  Segments(ObjectStore store, ServerId role, JsonMapper json) {
    this.store = store;
    this.role = role;
    this.json = json;
  }

  /** Stores the lines as one segment of the window (or of its late prefix); returns its key. */
  String write(BatchKey window, List<byte[]> lines, boolean late) throws IOException {
    int size = 0;
    for (byte[] l : lines) {
      size += l.length + 1;
    }
    byte[] content = new byte[size];
    int at = 0;
    for (byte[] l : lines) {
      System.arraycopy(l, 0, content, at, l.length);
      at += l.length;
      content[at++] = '\n';
    }
    String prefix = late ? latePrefix(window) : StorageLayout.inputPrefix(window, role);
    String key = prefix + "stream-" + sha256(content).substring(0, 32) + ".ndjson";
    store.createIfAbsent(key, content);
    if (!late) {
      store.createIfAbsent(marker(window), "{}".getBytes(StandardCharsets.UTF_8));
    }
    return key;
  }

  /**
   * Every id already in the window's input, staged files included: what makes a redelivered or
   * republished submission a no-op after a restart, since segments are the only record of it.
   */
  Set<String> stagedIds(BatchKey window) throws IOException {
    Set<String> ids = new HashSet<>();
    for (String key : store.list(StorageLayout.inputPrefix(window, role))) {
      if (!key.endsWith(".ndjson")) {
        continue;
      }
      Optional<InputStream> in = store.open(key);
      if (in.isEmpty()) {
        continue;
      }
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in.get(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          idOf(line).ifPresent(ids::add);
        }
      }
    }
    return ids;
  }

  /** Windows this server has staged segments for, closed or not. */
  List<BatchKey> windows() throws IOException {
    List<BatchKey> out = new ArrayList<>();
    for (String key : store.list(STREAM + "windows/")) {
      Matcher m = MARKER.matcher(key);
      if (m.find()) {
        try {
          out.add(new BatchKey(LocalDate.parse(m.group(1)), m.group(3), m.group(2)));
        } catch (RuntimeException e) {
          // not a marker this code wrote (no window has that spelling): nothing to close
          log.warn("ignoring stream window marker {}: {}", key, e.getMessage());
        }
      }
    }
    return out;
  }

  /**
   * Forgets a window A has started as a batch, so its marker is not listed on every tick for ever.
   * Safe once the batch exists: every later submission for it goes to the late prefix, which writes
   * no marker.
   */
  void forget(BatchKey window) throws IOException {
    store.delete(marker(window));
  }

  private Optional<String> idOf(String line) {
    if (line.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode id = json.readTree(line).get("id");
      return id == null || id.isNull() ? Optional.empty() : Optional.of(id.asString());
    } catch (JacksonException e) {
      // the engine rejects the line; it holds no id to deduplicate against
      return Optional.empty();
    }
  }

  /**
   * {@code windows/server_id=<a|b>/} and the window's input partition with {@code .json} for its
   * last slash.
   */
  private String marker(BatchKey w) {
    String partition = StorageLayout.inputDir(w).substring(BASE.length());
    return STREAM
        + "windows/server_id="
        + role.name().toLowerCase(Locale.ROOT)
        + "/"
        + partition.substring(0, partition.length() - 1)
        + ".json";
  }

  private String latePrefix(BatchKey w) {
    return STREAM + "late/" + StorageLayout.inputPrefix(w, role).substring(BASE.length());
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }
}
