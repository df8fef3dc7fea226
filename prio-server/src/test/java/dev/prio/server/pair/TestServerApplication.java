package dev.prio.server.pair;

import dev.prio.server.config.PrioServerConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * Either role, chosen by properties: the tests run two of these in one JVM ({@link ServerPair}), or
 * each as its own process through {@link #main} ({@code dev.prio.server.faults.ProcessServer}).
 */
@SpringBootApplication(scanBasePackages = "dev.prio.server")
@Import(PrioServerConfiguration.class)
public class TestServerApplication {
  public static void main(String[] args) {
    SpringApplication.run(TestServerApplication.class, args);
  }
}
