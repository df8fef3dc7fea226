package dev.prio.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The emulator itself enforces generation preconditions on every upload kind: simple ({@code
 * uploadType=media}), multipart, and resumable, both {@code ifGenerationMatch=0} and a stale
 * generation. This is why bin/fake-gcs pins the release it does: older releases accepted the
 * precondition and overwrote anyway on simple and resumable uploads, so a "two writers never both
 * win" test against them would pass for the wrong reason, or fail for one.
 */
class GcsEmulatorPreconditionsTest {
  private static FakeGcs gcs;
  private static String bucket;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void emulator() {
    gcs = FakeGcs.get();
    bucket = gcs.newBucket("preconditions");
  }

  @Test
  void simpleUploads() throws Exception {
    assertThat(simple("simple", "0", "one")).isEqualTo(200);
    assertThat(simple("simple", "0", "two")).isEqualTo(412);
    long g = gcs.client().get(BlobId.of(bucket, "simple")).getGeneration();
    assertThat(simple("simple", String.valueOf(g + 1), "three")).isEqualTo(412);
    assertThat(content("simple")).isEqualTo("one");
    assertThat(simple("simple", String.valueOf(g), "four")).isEqualTo(200);
    assertThat(content("simple")).isEqualTo("four");
  }

  @Test
  void multipartUploads() {
    Storage s = gcs.client();
    BlobInfo info = BlobInfo.newBuilder(bucket, "multipart").build();
    s.create(info, bytes("one"), Storage.BlobTargetOption.doesNotExist());
    assertThat(
            status(
                catchThrowable(
                    () -> s.create(info, bytes("two"), Storage.BlobTargetOption.doesNotExist()))))
        .isEqualTo(412);
    long g = s.get(info.getBlobId()).getGeneration();
    assertThat(
            status(
                catchThrowable(
                    () ->
                        s.create(
                            info,
                            bytes("three"),
                            Storage.BlobTargetOption.generationMatch(g + 1)))))
        .isEqualTo(412);
    assertThat(content("multipart")).isEqualTo("one");
  }

  @Test
  void resumableUploads() throws Exception {
    Storage s = gcs.client();
    BlobInfo info = BlobInfo.newBuilder(bucket, "resumable").build();
    s.createFrom(
        info, new ByteArrayInputStream(bytes("one")), Storage.BlobWriteOption.doesNotExist());
    assertThat(
            status(
                catchThrowable(
                    () ->
                        s.createFrom(
                            info,
                            new ByteArrayInputStream(bytes("two")),
                            Storage.BlobWriteOption.doesNotExist()))))
        .isEqualTo(412);
    long g = s.get(info.getBlobId()).getGeneration();
    assertThat(
            status(
                catchThrowable(
                    () -> {
                      try (WriteChannel w =
                          s.writer(info, Storage.BlobWriteOption.generationMatch(g + 1))) {
                        w.write(ByteBuffer.wrap(bytes("three")));
                      }
                    })))
        .isEqualTo(412);
    assertThat(content("resumable")).isEqualTo("one");
  }

  private int simple(String name, String ifGenerationMatch, String body) throws Exception {
    URI uri =
        URI.create(
            gcs.host()
                + "/upload/storage/v1/b/"
                + bucket
                + "/o?uploadType=media&name="
                + name
                + "&ifGenerationMatch="
                + ifGenerationMatch);
    return http.send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private String content(String name) {
    return new String(gcs.client().readAllBytes(BlobId.of(bucket, name)), StandardCharsets.UTF_8);
  }

  /** The HTTP status a client failure carries, wherever the client wrapped it. */
  private static int status(Throwable t) {
    if (t == null) {
      throw new AssertionError(
          "the upload succeeded: the emulator ignored the precondition and overwrote");
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StorageException e && e.getCode() != 0) {
        return e.getCode();
      }
    }
    throw new AssertionError("no StorageException with a status in " + t, t);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
