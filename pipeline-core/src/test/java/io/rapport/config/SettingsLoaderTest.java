package io.rapport.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.errors.ConfigurationException;
import io.rapport.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsLoaderTest {
  private static final String MINIMAL = "sources: {purchases: {path: p.csv}}\n";

  @Test
  void absentKeysTakeTheDocumentedDefaults() {
    RapportSettings s = SettingsLoader.parse(MINIMAL, "test");
    assertEquals("./warehouse", s.warehouse());
    assertEquals(ZoneId.of("UTC"), s.reporting().timeZone());
    assertEquals(DayOfWeek.MONDAY, s.reporting().weekStart());
    assertEquals(90, s.churn().thresholdDays());
    assertEquals(List.of(0.3, 0.7), s.churn().riskBands().asList());
    assertEquals(7.0, s.clv().timeUnitDays());
    assertEquals(12, s.clv().horizonMonths());
    assertEquals(0.05, s.sources().purchases().maxRejectRate());
    assertEquals(SourceFormat.CSV, s.sources().purchases().format());
    assertEquals(StandardCharsets.UTF_8, s.sources().purchases().encoding());
    assertEquals(PriceRounding.REJECT, s.sources().purchases().priceRounding());
    assertEquals(RetentionMode.ON, s.retention().mode());
    assertEquals(CohortGrain.MONTH, s.retention().grain());
    assertEquals(ClvModelChoice.BG_NBD, s.clv().model());
    assertEquals(90, s.clv().selectionHoldoutDays());
    assertEquals(200, s.clv().intervalDraws());
    assertEquals(7, s.quality().anomalies().baselineRuns());
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
    assertMessage("retention: {grain: quarter}\n", "retention.grain 'quarter' must be month or week");
    assertMessage("reporting: {week-start: MON}\n", "reporting.week-start 'MON' is not a day of the week");
    assertMessage("churn: {threshold-days: 0}\n", "churn.threshold-days must be at least 1");
    assertMessage("churn: {risk-bands: [0.8, 0.2]}\n", "churn.risk-bands");
    assertMessage("churn: {risk-bands: [0.3]}\n", "churn.risk-bands must be two increasing cuts in (0, 1), got [0.3]");
    assertMessage("clv: {model: lifetimes}\n", "clv.model 'lifetimes' must be bg_nbd, pareto_nbd, mbg_nbd or auto");
    assertMessage("clv: {interval-draws: 50}\n", "clv.interval-draws must be at least 200");
    assertMessage("quality: {anomalies: {baseline-runs: 2}}\n", "quality.anomalies.baseline-runs must be at least 3");
    assertMessage("quality: {anomalies: {metrics: {orders_28d: {severity: fatal}}}}\n",
        "quality.anomalies.metrics.orders_28d.severity 'fatal' must be error or warning");
    assertMessage("job-repository: {url: \"jdbc:postgresql://db/r?user=a&password=b\"}\n", "credentials");
  }

  @Test
  void retentionModeOnNeedsNoQuotes() {
    // YAML 1.1 would read a bare on as the boolean true; Jackson's YAML reader keeps it as text.
    assertEquals(RetentionMode.ON, SettingsLoader.parse(MINIMAL + "retention: {mode: on}\n", "t").retention().mode());
    assertEquals(RetentionMode.ON_OR_AFTER,
        SettingsLoader.parse(MINIMAL + "retention: {mode: On_Or_After}\n", "t").retention().mode());
  }

  @Test
  void badSourceValuesAreRejectedWithTheirKey() {
    assertSourceMessage("format: xml", "sources.purchases.format 'xml' must be csv, jsonl or parquet");
    assertSourceMessage("time-zone: Mars/Olympus", "sources.purchases.time-zone 'Mars/Olympus' is not an IANA time zone");
    assertSourceMessage("timestamp-format: \"yyyy-MM-dd ppp HH\"", "sources.purchases.timestamp-format 'yyyy-MM-dd ppp HH'");
    assertSourceMessage("encoding: klingon-8", "sources.purchases.encoding 'klingon-8' is not a character encoding");
    assertSourceMessage("price-rounding: up", "sources.purchases.price-rounding 'up' must be reject or half-even");
    assertSourceMessage("max-reject-rate: 1.5", "sources.purchases.max-reject-rate must be within [0, 1]");
  }

  @Test
  void jsonIsAnotherNameForJsonLines() {
    RapportSettings s = SettingsLoader.parse("sources: {purchases: {path: p.json, format: json}}\n", "t");
    assertEquals(SourceFormat.JSONL, s.sources().purchases().format());
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

  private static void assertSourceMessage(String sourceKey, String expected) {
    var e = assertThrows(ConfigurationException.class, () -> SettingsLoader.validate(
        SettingsLoader.parse("sources: {purchases: {path: p.csv, " + sourceKey + "}}\n", "t"), "t"));
    assertTrue(e.getMessage().startsWith("Invalid configuration t: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static void assertMessage(String yaml, String expected) {
    var e = assertThrows(ConfigurationException.class,
        () -> SettingsLoader.validate(SettingsLoader.parse(MINIMAL + yaml, "t"), "t"));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
