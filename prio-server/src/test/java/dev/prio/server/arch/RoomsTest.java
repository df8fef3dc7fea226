package dev.prio.server.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * prio-server's rooms depend on each other in one direction only (drawn in prio-server/README.md):
 *
 * <pre>
 *   config → round → peer → signing → settings
 *                  ↘ publish ↘ metrics → batch → storage, web
 * </pre>
 *
 * {@code config} wires everything and nothing depends on it; {@code settings}, {@code storage} and
 * {@code web} depend on no other room.
 */
class RoomsTest {
  static final JavaClasses SERVER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.prio.server");

  @Test
  void importedTheRooms() {
    assertThat(SERVER.containPackage("dev.prio.server.round")).isTrue();
    assertThat(SERVER.containPackage("dev.prio.server.settings")).isTrue();
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.prio.server.(*)..").should().beFreeOfCycles().check(SERVER);
  }

  @Test
  void roomsDependInOneDirection() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("config")
        .definedBy("dev.prio.server.config..")
        .layer("round")
        .definedBy("dev.prio.server.round..")
        .layer("peer")
        .definedBy("dev.prio.server.peer..")
        .layer("signing")
        .definedBy("dev.prio.server.signing..")
        .layer("canary")
        .definedBy("dev.prio.server.canary..")
        .layer("stream")
        .definedBy("dev.prio.server.stream..")
        .layer("lease")
        .definedBy("dev.prio.server.lease..")
        .layer("logging")
        .definedBy("dev.prio.server.logging..")
        .layer("publish")
        .definedBy("dev.prio.server.publish..")
        .layer("metrics")
        .definedBy("dev.prio.server.metrics..")
        .layer("batch")
        .definedBy("dev.prio.server.batch..")
        .layer("settings")
        .definedBy("dev.prio.server.settings..")
        .layer("storage")
        .definedBy("dev.prio.server.storage..")
        .layer("web")
        .definedBy("dev.prio.server.web..")
        .whereLayer("config")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("round")
        .mayOnlyBeAccessedByLayers("config")
        .whereLayer("peer")
        .mayOnlyBeAccessedByLayers("config", "round")
        .whereLayer("signing")
        .mayOnlyBeAccessedByLayers("config", "peer")
        .whereLayer("canary")
        .mayOnlyBeAccessedByLayers("config")
        .whereLayer("stream")
        .mayOnlyBeAccessedByLayers("config")
        .whereLayer("lease")
        .mayOnlyBeAccessedByLayers("config", "round", "stream")
        .whereLayer("logging")
        .mayOnlyBeAccessedByLayers("config", "round", "peer")
        .whereLayer("publish")
        .mayOnlyBeAccessedByLayers("config", "round", "peer", "canary")
        .whereLayer("metrics")
        .mayOnlyBeAccessedByLayers("config", "round", "peer", "signing")
        .whereLayer("batch")
        .mayOnlyBeAccessedByLayers("config", "round", "peer", "publish", "metrics", "canary")
        .whereLayer("settings")
        .mayOnlyBeAccessedByLayers("config", "round", "peer", "signing")
        .whereLayer("storage")
        .mayOnlyBeAccessedByLayers(
            "config", "round", "peer", "lease", "logging", "publish", "batch", "canary", "stream")
        .check(SERVER);
  }
}
