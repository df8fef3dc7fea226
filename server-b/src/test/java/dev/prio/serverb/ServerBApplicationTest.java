package dev.prio.serverb;

import dev.prio.core.packet.ServerId;
import dev.prio.server.apps.AppSmoke;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server B starts from its own application.yaml with its own role's beans (see {@link AppSmoke}).
 */
class ServerBApplicationTest {
  @TempDir Path work;

  @Test
  void startsAsServerBFromItsOwnConfiguration() throws Exception {
    AppSmoke.startsAs(ServerBApplication.class, ServerId.B, work);
  }
}
