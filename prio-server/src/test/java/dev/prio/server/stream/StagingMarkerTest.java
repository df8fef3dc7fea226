package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which object-finalize notifications of A's bucket name a batch to start, and which are refused.
 */
class StagingMarkerTest {
  private static final StagingMarker A = new StagingMarker("bucket-a", "p/", ServerId.A);
  private static final String DAY = "p/prio/v1/submission_date=2026-11-20/";

  @Test
  void theMarkerInAsOwnPartitionNamesItsBatch() throws Exception {
    assertThat(A.batchOf(finalize("bucket-a", DAY + "batch_id=m-0/server_id=a/_SUCCESS")))
        .contains(new BatchKey(LocalDate.parse("2026-11-20"), "m-0"));
  }

  @Test
  void everythingElseIsIgnored() throws Exception {
    assertThat(A.batchOf(finalize("bucket-a", DAY + "batch_id=m-0/server_id=a/part-0.ndjson")))
        .isEmpty();
    assertThat(A.batchOf(finalize("bucket-a", "elsewhere/_SUCCESS"))).isEmpty();
    assertThat(A.batchOf(finalize("bucket-a", DAY + "batch_id=m-0/server_id=a/x_SUCCESS")))
        .isEmpty();
    Map<String, String> deleted =
        Map.of(
            "eventType",
            "OBJECT_DELETE",
            "bucketId",
            "bucket-a",
            "objectId",
            DAY + "batch_id=m-0/server_id=a/_SUCCESS");
    assertThat(A.batchOf(deleted)).isEmpty();
  }

  @Test
  void hostileAndMisplacedMarkersAreRefusedWithTheirReason() {
    refused("other-bucket", DAY + "batch_id=m-0/server_id=a/_SUCCESS", "WRONG_BUCKET");
    refused("bucket-a", DAY + "batch_id=m-0/server_id=b/_SUCCESS", "WRONG_SERVER");
    refused("bucket-a", DAY + "batch_id=m-0/server_id=a/deeper/_SUCCESS", "BAD_NAME");
    refused("bucket-a", DAY + "batch_id=../server_id=a/_SUCCESS", "BAD_NAME");
    refused("bucket-a", DAY + "batch_id=m\n0/server_id=a/_SUCCESS", "BAD_NAME");
    refused("bucket-a", DAY + "batch_id=m-0/../batch_id=x/server_id=a/_SUCCESS", "BAD_NAME");
    refused(
        "bucket-a",
        "p/prio/v1/submission_date=2026-02-30/batch_id=m-0/server_id=a/_SUCCESS",
        "BAD_NAME");
    refused(
        "bucket-a",
        "p/prio/v1/submission_date=２０２６-11-20/batch_id=m-0/server_id=a/_SUCCESS",
        "BAD_NAME");
  }

  private static void refused(String bucket, String object, String outcome) {
    assertThatThrownBy(() -> A.batchOf(finalize(bucket, object)))
        .as(object)
        .isInstanceOfSatisfying(
            StagingMarker.Refused.class,
            e -> assertThat(e.outcome.name()).as(object).isEqualTo(outcome));
  }

  private static Map<String, String> finalize(String bucket, String object) {
    return Map.of(
        "eventType",
        "OBJECT_FINALIZE",
        "bucketId",
        bucket,
        "objectId",
        object,
        "payloadFormat",
        "JSON_API_V1");
  }
}
