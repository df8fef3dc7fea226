package dev.prio.server.pair;

import dev.prio.server.config.PrioServerConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Either role, chosen by properties: the tests run two of these in one JVM. */
@SpringBootApplication(scanBasePackages = "dev.prio.server")
@Import(PrioServerConfiguration.class)
public class TestServerApplication {}
