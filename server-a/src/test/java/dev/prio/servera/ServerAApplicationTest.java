package dev.prio.servera;

import dev.prio.core.packet.ServerId;
import dev.prio.server.apps.AppSmoke;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server A starts from its own application.yaml with its own role's beans (see {@link AppSmoke}).
 */
class ServerAApplicationTest {
  @TempDir Path work;

  @Test
  void startsAsServerAFromItsOwnConfiguration() throws Exception {
    AppSmoke.startsAs(ServerAApplication.class, ServerId.A, work);
  }
}
