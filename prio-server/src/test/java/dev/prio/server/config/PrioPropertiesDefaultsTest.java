package dev.prio.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.server.settings.PrioProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class PrioPropertiesDefaultsTest {

  @Test
  void theMinimumBatchSizeDefaultsToAPrivacyMeaningfulHundred() {
    Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("prio.role", "A")));
    PrioProperties props = binder.bindOrCreate("prio", PrioProperties.class);
    assertThat(props.batch().minBatchSize()).isEqualTo(100);
    assertThat(props.batch().maxRejectRatio()).isEqualTo(0.5);
    assertThat(props.peer().maxElapsed()).hasMinutes(10);
    assertThat(props.peer().maxAttempts()).isEqualTo(1000);
  }
}
