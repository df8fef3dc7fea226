package dev.prio.serverb;

import dev.prio.server.config.PrioServerConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Server B, the helper: answers server A's round requests from its own shares. */
@SpringBootApplication(scanBasePackages = "dev.prio.server")
@Import(PrioServerConfiguration.class)
public class ServerBApplication {
  public static void main(String[] args) {
    SpringApplication.run(ServerBApplication.class, args);
  }
}
