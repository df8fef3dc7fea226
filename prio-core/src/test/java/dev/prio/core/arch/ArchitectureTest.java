package dev.prio.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * prio-core stays a plain library (no framework, no logging: shares and secrets must never reach a
 * log), and its packages depend downward only:
 *
 * <pre>
 *   snip → codec → packet → crypto → prg → poly → field      (error: usable by all, depends on none)
 * </pre>
 *
 * A layer may use any layer below it, not only the next one (prg uses field directly; poly is used
 * only by snip).
 */
class ArchitectureTest {
  static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.prio.core");

  @Test
  void importedTheMainClasses() {
    assertThat(CORE.size()).isGreaterThan(30);
    assertThat(CORE.containPackage("dev.prio.core.snip")).isTrue();
  }

  @Test
  void noFrameworkOrLoggingDependencies() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..",
            "com.fasterxml..",
            "tools.jackson..",
            "org.slf4j..",
            "java.util.logging..",
            "org.apache.logging..",
            "org.apache.commons.logging..",
            "jakarta..",
            "javax.inject..")
        .because("prio-core is framework-free and must not log shares or secrets")
        .check(CORE);
  }

  @Test
  void packagesDependDownwardOnly() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("snip")
        .definedBy("dev.prio.core.snip..")
        .layer("codec")
        .definedBy("dev.prio.core.codec..")
        .layer("packet")
        .definedBy("dev.prio.core.packet..")
        .layer("crypto")
        .definedBy("dev.prio.core.crypto..")
        .layer("prg")
        .definedBy("dev.prio.core.prg..")
        .layer("poly")
        .definedBy("dev.prio.core.poly..")
        .layer("field")
        .definedBy("dev.prio.core.field..")
        .layer("error")
        .definedBy("dev.prio.core.error..")
        .whereLayer("snip")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("codec")
        .mayOnlyBeAccessedByLayers("snip")
        .whereLayer("packet")
        .mayOnlyBeAccessedByLayers("codec", "snip")
        .whereLayer("crypto")
        .mayOnlyBeAccessedByLayers("packet", "codec", "snip")
        .whereLayer("prg")
        .mayOnlyBeAccessedByLayers("crypto", "packet", "codec", "snip")
        .whereLayer("poly")
        .mayOnlyBeAccessedByLayers("prg", "crypto", "packet", "codec", "snip")
        .whereLayer("field")
        .mayOnlyBeAccessedByLayers("poly", "prg", "crypto", "packet", "codec", "snip")
        .check(CORE);
  }

  @Test
  void errorDependsOnNoOtherPackage() {
    noClasses()
        .that()
        .resideInAPackage("dev.prio.core.error..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.prio.core.field..",
            "dev.prio.core.poly..",
            "dev.prio.core.prg..",
            "dev.prio.core.crypto..",
            "dev.prio.core.packet..",
            "dev.prio.core.codec..",
            "dev.prio.core.snip..")
        .check(CORE);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.prio.core.(*)..").should().beFreeOfCycles().check(CORE);
  }
}
