package dev.prio.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {
  @Test
  void derivedLimitCoversTheLargestRoundAndHasAFloor() {
    assertThat(BoundedBody.derivedLimit(250, 2046)).isEqualTo(BoundedBody.MIN_LIMIT);
    // verify rounds grow with the chunk size, total/publish with n_data; twice the larger, plus 64
    // KiB
    assertThat(BoundedBody.derivedLimit(10_000, 2046)).isEqualTo(2 * 10_000L * 2048 + (64 << 10));
    assertThat(BoundedBody.derivedLimit(250, 1 << 20)).isEqualTo(2 * (1L << 20) * 64 + (64 << 10));
  }

  @Test
  void readsUpToTheLimitWithTheDigestAndStopsPastIt() throws Exception {
    byte[] body = "{\"attempt\":1}".getBytes(StandardCharsets.UTF_8);
    BoundedBody read = BoundedBody.read(new ByteArrayInputStream(body), body.length);
    assertThat(read.bytes()).isEqualTo(body);
    assertThat(ContentDigest.matchesSha256Digest(ContentDigest.sha256(body), read.sha256()))
        .isTrue();
    assertThat(BoundedBody.read(new ByteArrayInputStream(body), body.length - 1)).isNull();

    // An endless stream is abandoned right after the limit.
    long[] served = {0};
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            served[0]++;
            return 'x';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            served[0] += len;
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            return len;
          }
        };
    assertThat(BoundedBody.read(endless, 1 << 20)).isNull();
    assertThat(served[0]).isLessThanOrEqualTo((1 << 20) + 8192);
  }
}
