package io.rapport.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader;
import io.rapport.schema.Severity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The anomaly rule of SPEC 5 on hand-made histories of weekly published runs (no Spark): the
 * issue's cases with their verdicts derived by hand in the comments.
 */
class AnomalyRulesTest {
  private static final LocalDate D = LocalDate.of(2025, 8, 31);
  private static final RapportSettings.Anomalies DEFAULTS = settings("");

  private static RapportSettings.Anomalies settings(String anomaliesYaml) {
    String yaml = "sources: {purchases: {path: p.csv}}\n" + (anomaliesYaml.isEmpty() ? "" : "quality: {anomalies: " + anomaliesYaml + "}\n");
    RapportSettings s = SettingsLoader.parse(yaml, "test");
    SettingsLoader.validate(s, "test");
    return s.quality().anomalies();
  }

  /** Weekly published runs before D holding one metric's values, the first value the newest (D - 7). */
  private static List<AnomalyBaseline.PublishedRun> weekly(String metric, double... newestFirst) {
    List<AnomalyBaseline.PublishedRun> runs = new ArrayList<>();
    for (int i = 0; i < newestFirst.length; i++) {
      runs.add(new AnomalyBaseline.PublishedRun(D.minusWeeks(i + 1), Map.of(metric, newestFirst[i]), Set.of()));
    }
    return runs;
  }

  private static MetricVerdict judge(String metric, Double value, List<AnomalyBaseline.PublishedRun> published,
      RapportSettings.Anomalies settings, boolean accepted) {
    List<AnomalyBaseline.PublishedRun> candidates = AnomalyBaseline.candidates(published, D, settings.baselineRuns());
    return AnomalyRules.judge(metric, value, AnomalyBaseline.points(metric, candidates),
        AnomalyRules.resolve(metric, settings), settings.baselineRuns(), accepted);
  }

  @Test
  void exportLosingMostOfTheLastTwoWeeksIsAnErrorOnOrders28d() {
    // 28-day orders of the three previous weeks: 400, 410, 395 -> median 400; orders_28d's
    // built-in rule is 0.3, so bounds [280, 520]. Losing 12 of the last 14 days of about 14.3
    // orders a day leaves 400 - 12 x 14.3 = 228 orders: below 280, severity error.
    MetricVerdict v = judge("orders_28d", 228.0, weekly("orders_28d", 400, 410, 395), DEFAULTS, false);

    assertEquals(MetricVerdict.ERROR, v.status());
    assertEquals(400.0, v.baseline());
    assertEquals(280.0, v.lowerBound(), 1e-9);
    assertEquals(520.0, v.upperBound(), 1e-9);
    assertTrue(v.blocks(false));
    assertTrue(v.detail().contains("value 228 below bounds [280, 520]"), v.detail());
    assertTrue(v.detail().contains("2025-08-24, 2025-08-17, 2025-08-10"), v.detail());
  }

  @Test
  void currencyChangeMovingRevenueTenfoldIsAnError() {
    // Net revenue 20,000 / 22,000 / 18,000 (median 20,000; default 0.5 -> [10,000, 30,000]);
    // a source that starts sending cents as units gives 200,000: error (SPEC: net_revenue_28d is error).
    MetricVerdict v = judge("net_revenue_28d", 200_000.0, weekly("net_revenue_28d", 20_000, 22_000, 18_000), DEFAULTS,
        false);

    assertEquals(MetricVerdict.ERROR, v.status());
    assertEquals(10_000.0, v.lowerBound(), 1e-9);
    assertEquals(30_000.0, v.upperBound(), 1e-9);
    assertTrue(v.detail().contains("above bounds"), v.detail());
  }

  @Test
  void gradualTrendInsideTheBoundsIsOk() {
    // Orders growing 5 % a week: 100, 105, 110.25, 115.76, 121.55 (today). Baseline = median of
    // the four earlier = (105 + 110.25) / 2 = 107.625; bounds 0.3 -> [75.34, 139.91]: ok.
    MetricVerdict v = judge("orders_28d", 121.55, weekly("orders_28d", 115.7625, 110.25, 105, 100), DEFAULTS, false);

    assertEquals(MetricVerdict.OK, v.status());
    assertEquals(107.625, v.baseline(), 1e-9);
    assertEquals(75.3375, v.lowerBound(), 1e-9);
    assertEquals(139.9125, v.upperBound(), 1e-9);
    assertFalse(v.blocks(true));
  }

  @Test
  void fewerThanThreeEarlierRunsIsNoBaseline() {
    MetricVerdict v = judge("orders_28d", 10.0, weekly("orders_28d", 400, 410), DEFAULTS, false);

    assertEquals(MetricVerdict.NO_BASELINE, v.status());
    assertNull(v.baseline());
    assertNull(v.lowerBound());
    assertEquals(2, v.history().size());
    assertFalse(v.blocks(true));
  }

  @Test
  void acceptedAnomalyDoesNotBlockAndSaysSo() {
    MetricVerdict v = judge("orders_28d", 228.0, weekly("orders_28d", 400, 410, 395), DEFAULTS, true);

    assertEquals(MetricVerdict.ERROR, v.status(), "the status keeps what the rule found");
    assertTrue(v.accepted());
    assertFalse(v.blocks(false));
    assertTrue(v.detail().startsWith("accepted for this run (--accept-anomaly orders_28d)"), v.detail());
  }

  @Test
  void tightenedPerMetricThresholdTurnsASmallDropIntoAnError() {
    // Active customers 100, 100, 100 -> 92 today: an 8 % drop, inside the default 0.5 ->
    // [50, 150]; with max-relative-change 0.05 the bounds are [95, 105]: error (built-in severity).
    List<AnomalyBaseline.PublishedRun> history = weekly("active_customers_28d", 100, 100, 100);

    assertEquals(MetricVerdict.OK, judge("active_customers_28d", 92.0, history, DEFAULTS, false).status());
    MetricVerdict tight = judge("active_customers_28d", 92.0, history,
        settings("{metrics: {active_customers_28d: {max-relative-change: 0.05}}}"), false);
    assertEquals(MetricVerdict.ERROR, tight.status());
    assertEquals(95.0, tight.lowerBound(), 1e-9);
  }

  @Test
  void warningSeverityIsReportedNotBlockingUnlessFailOnWarning() {
    // nps_28d defaults to warning: 40, 42, 38 -> median 40, [20, 60]; 10 is below.
    MetricVerdict v = judge("nps_28d", 10.0, weekly("nps_28d", 40, 42, 38), DEFAULTS, false);

    assertEquals(MetricVerdict.WARNING, v.status());
    assertFalse(v.blocks(false));
    assertTrue(v.blocks(true));
  }

  @Test
  void aMetricThatDisappearsIsFlagged() {
    MetricVerdict v = judge("csat_28d", null, weekly("csat_28d", 70, 71, 69), DEFAULTS, false);

    assertEquals(MetricVerdict.WARNING, v.status());
    assertTrue(v.detail().startsWith("no value in this run"), v.detail());
  }

  @Test
  void negativeBaselineKeepsLowerBelowUpper() {
    // Net revenue -100 (refunds only) each week; bounds -100 x (1 -/+ 0.5) = -50 and -150.
    MetricVerdict v = judge("net_revenue_28d", -120.0, weekly("net_revenue_28d", -100, -100, -100), DEFAULTS, false);

    assertEquals(-150.0, v.lowerBound(), 1e-9);
    assertEquals(-50.0, v.upperBound(), 1e-9);
    assertEquals(MetricVerdict.OK, v.status());
  }

  @Test
  void rulesResolveMetricThenBuiltInThenDefault() {
    assertEquals(new AnomalyRules.Rule(0.3, Severity.ERROR), AnomalyRules.resolve("orders_28d", DEFAULTS));
    assertEquals(new AnomalyRules.Rule(0.5, Severity.ERROR), AnomalyRules.resolve("purchases.rows_read", DEFAULTS));
    assertEquals(new AnomalyRules.Rule(0.5, Severity.WARNING), AnomalyRules.resolve("purchases.reject_rate", DEFAULTS));
    assertEquals(new AnomalyRules.Rule(0.5, Severity.WARNING), AnomalyRules.resolve("bg_nbd.r", DEFAULTS));
    RapportSettings.Anomalies custom = settings(
        "{default: {max-relative-change: 0.2}, metrics: {orders_28d: {severity: warning}, clv_total: {max-relative-change: 1.5, severity: error}}}");
    assertEquals(new AnomalyRules.Rule(0.3, Severity.WARNING), AnomalyRules.resolve("orders_28d", custom));
    assertEquals(new AnomalyRules.Rule(1.5, Severity.ERROR), AnomalyRules.resolve("clv_total", custom));
    assertEquals(new AnomalyRules.Rule(0.2, Severity.ERROR), AnomalyRules.resolve("net_revenue_28d", custom));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(3.0, AnomalyRules.median(List.of(5.0, 1.0, 3.0)));
    assertEquals(2.5, AnomalyRules.median(List.of(4.0, 1.0, 3.0, 2.0)));
  }
}
