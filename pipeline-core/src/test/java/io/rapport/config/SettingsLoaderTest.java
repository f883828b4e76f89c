package io.rapport.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.errors.ConfigurationException;
import io.rapport.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsLoaderTest {
  private static final String MINIMAL = "sources: {purchases: {path: p.csv}}\n";

  @Test
  void absentKeysTakeTheDocumentedDefaults() {
    RapportSettings s = SettingsLoader.parse(MINIMAL, "test");
    assertEquals("./warehouse", s.warehouse());
    assertEquals("UTC", s.reporting().timeZone());
    assertEquals("MONDAY", s.reporting().weekStart());
    assertEquals(90, s.churn().thresholdDays());
    assertEquals(List.of(0.3, 0.7), s.churn().riskBands());
    assertEquals(7.0, s.clv().timeUnitDays());
    assertEquals(12, s.clv().horizonMonths());
    assertEquals(0.05, s.sources().purchases().maxRejectRate());
    assertEquals("csv", s.sources().purchases().format());
    assertEquals("jdbc:h2:file:./var/jobs", s.jobRepository().url());
  }

  @Test
  void unknownKeyNamesTheKeyAndItsPlace() {
    var e = assertThrows(ConfigurationException.class,
        () -> SettingsLoader.parse(MINIMAL + "churn: {treshold-days: 30}\n", "x.yaml"));
    assertTrue(e.getMessage().contains("treshold-days"), e.getMessage());
    assertTrue(e.getMessage().contains("threshold-days"), "lists the known keys: " + e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void badValuesAreRejectedWithTheirKey() {
    assertMessage("reporting: {time-zone: Mars/Olympus}\n", "reporting.time-zone");
    assertMessage("reporting: {week-start: FUNDAY}\n", "reporting.week-start");
    assertMessage("retention: {mode: sometimes}\n", "retention.mode");
    assertMessage("churn: {risk-bands: [0.8, 0.2]}\n", "churn.risk-bands");
    assertMessage("job-repository: {url: \"jdbc:postgresql://db/r?user=a&password=b\"}\n", "credentials");
  }

  @Test
  void purchasesPathIsRequired() {
    var e = assertThrows(ConfigurationException.class,
        () -> SettingsLoader.validate(SettingsLoader.parse("warehouse: w\n", "t"), "t"));
    assertTrue(e.getMessage().contains("sources.purchases.path"), e.getMessage());
  }

  @Test
  void bundledDefaultConfigurationLoads() {
    Path file = SharedData.projectRoot().resolve("config/rapport.yaml");
    var loaded = SettingsLoader.load(file);
    assertEquals("data-samples/purchases/*/*.csv", loaded.settings().sources().purchases().path());
    assertEquals(64, loaded.digest().length());
  }

  private static void assertMessage(String yaml, String expected) {
    var e = assertThrows(ConfigurationException.class,
        () -> SettingsLoader.validate(SettingsLoader.parse(MINIMAL + yaml, "t"), "t"));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
