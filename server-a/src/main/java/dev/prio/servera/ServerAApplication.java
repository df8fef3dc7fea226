package dev.prio.servera;

import dev.prio.server.config.PrioServerConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Server A, the leader: takes POST /batches/{batchId} and drives the rounds with server B. */
@SpringBootApplication(scanBasePackages = "dev.prio.server")
@Import(PrioServerConfiguration.class)
public class ServerAApplication {
  public static void main(String[] args) {
    SpringApplication.run(ServerAApplication.class, args);
  }
}
