package dev.prio.server.stream;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one object-finalize notification of the internal bucket means for server A: the marker
 * object {@code _SUCCESS} that a staging job writes last into a partition, {@code
 * prio/v1/submission_date=D/batch_id=X/server_id=a/_SUCCESS}, says that partition is complete, so
 * batch X of day D may start. Every other object (the part files themselves, state, other prefixes)
 * is ignored; a marker whose name does not say exactly that is refused with a reason, as the name
 * comes from whoever can write to the bucket.
 */
public final class StagingMarker {
  /** The marker's file name: what Hadoop's and Spark's output committers write on success. */
  static final String NAME = "_SUCCESS";

  private static final Pattern PARTITION =
      Pattern.compile(
          "prio/v1/submission_date=(\\d{4}-\\d{2}-\\d{2})/batch_id=([^/]+)/server_id=([^/]+)/"
              + NAME);

  /** What a notification came to; each is a value of the notifications counter's label. */
  public enum Outcome {
    /** The batch was started, or already existed (starting it again is a no-op). */
    STARTED,
    /** Not a marker: the part files and everything else the bucket's notifications carry. */
    IGNORED,
    /** From a bucket other than this server's own. */
    WRONG_BUCKET,
    /** A marker whose name is not a partition of the input layout. */
    BAD_NAME,
    /** A marker in the other server's partition (server_id=b in A's bucket). */
    WRONG_SERVER,
    /** A batch id DATA_CONFIG does not name. */
    UNKNOWN_BATCH_ID,
    /** The batch exists with another n_data. */
    CONFLICT,
    /** Starting failed (storage): the message goes back to Pub/Sub and is tried again. */
    FAILED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why a notification does not start a batch, logged and counted. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final Outcome outcome;

    Refused(Outcome outcome, String message) {
      super(message, null, false, false);
      this.outcome = outcome;
    }
  }

  private final String bucket;
  private final String prefix;
  private final ServerId me;

  /**
   * @param bucket this server's own bucket
   * @param prefix the object-name prefix of its storage root: empty, or ending in '/'
   */
  StagingMarker(String bucket, String prefix, ServerId me) {
    this.bucket = bucket;
    this.prefix = prefix;
    this.me = me;
  }

  /**
   * The batch a notification's attributes (eventType, bucketId, objectId: GCS's, whatever the
   * payload format) name, or empty when the notification is not about a marker.
   */
  Optional<BatchKey> batchOf(Map<String, String> attributes) throws Refused {
    String object = attributes.getOrDefault("objectId", "");
    if (!"OBJECT_FINALIZE".equals(attributes.get("eventType"))
        || !(object.equals(NAME) || object.endsWith("/" + NAME))) {
      return Optional.empty();
    }
    if (!bucket.equals(attributes.get("bucketId"))) {
      throw new Refused(Outcome.WRONG_BUCKET, "a marker from another bucket");
    }
    if (!object.startsWith(prefix)) {
      return Optional.empty(); // beside this server's root, not its input
    }
    Matcher m = PARTITION.matcher(object.substring(prefix.length()));
    if (!m.matches()) {
      throw new Refused(Outcome.BAD_NAME, "a marker outside the input layout");
    }
    if (!m.group(3).equals(me.name().toLowerCase(Locale.ROOT))) {
      throw new Refused(Outcome.WRONG_SERVER, "a marker in another server's partition");
    }
    try {
      return Optional.of(new BatchKey(LocalDate.parse(m.group(1)), m.group(2)));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new Refused(Outcome.BAD_NAME, "a marker with no valid date or batch id");
    }
  }
}
