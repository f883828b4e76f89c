package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rapport.cli.Rapport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes of SPEC section 6 for mistakes a user makes before any data is processed. */
class ExitCodeTest {
  @TempDir Path work;

  @Test
  void unknownCommandIsAUsageError() {
    assertEquals(2, Rapport.execute("frobnicate"));
  }

  @Test
  void helpExitsZero() {
    assertEquals(0, Rapport.execute("--help"));
    assertEquals(0, Rapport.execute("run", "--help"));
  }

  @Test
  void missingConfigurationFileIsAConfigurationError() {
    assertEquals(2, Rapport.execute("run", "--config", work.resolve("nope.yaml").toString(), "--as-of", "2025-01-01"));
  }

  @Test
  void unknownConfigurationKeyIsAConfigurationError() throws IOException {
    Path config = Files.writeString(work.resolve("bad.yaml"), "warehouse: ./w\nchrun: {threshold-days: 30}\n");
    assertEquals(2, Rapport.execute("validate", "--config", config.toString()));
  }

  @Test
  void malformedAsOfDateIsAUsageError() throws IOException {
    assertEquals(2, Rapport.execute("run", "--config", JobTestSupport.sampleConfig(work, "").toString(), "--as-of", "31/08/2025"));
  }
}
