package io.rapport.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.models.BgNbdParameters;
import io.rapport.models.ClvFits;
import io.rapport.models.GammaGammaParameters;
import io.rapport.models.ModelFit;
import io.rapport.models.ParameterDraws;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import io.rapport.testing.SparkTestSupport;

/**
 * clv_segment_summary on five hand-made customers (two sharing one (x, t_x, T) with different
 * spend), with the published CDNOW estimates as fits and a made-up diagonal covariance (10%
 * standard errors). The interval is recomputed here customer by customer on the driver, straight
 * from the model formulas, with the same seeded draws.
 */
class ClvSegmentSummaryTest extends io.rapport.testing.SparkTestSupport {

  private static final LocalDate AS_OF = LocalDate.of(1997, 9, 30);
  private static final RapportSettings.Clv SETTINGS = new RapportSettings.Clv(null, 7.0, 12, 0.01, List.of("low", "high"), 20, null, 200);
  private static final double[] BG = {0.243, 4.414, 0.793, 2.426};
  private static final double[] GG = {6.25, 3.74, 15.44};

  private static ModelFit fit(String model, String[] names, double[] p, double relativeError) {
    Map<String, Double> params = new LinkedHashMap<>();
    double[][] covariance = new double[p.length][p.length];
    for (int i = 0; i < p.length; i++) {
      params.put(names[i], p[i]);
      covariance[i][i] = Math.pow(relativeError * p[i], 2);
    }
    return new ModelFit(model, params, Map.of(), -1.0, 5, 10, true, null, null, relativeError > 0 ? covariance : null);
  }

  private static ClvFits fits(double relativeError) {
    return new ClvFits(fit(ModelFit.BG_NBD, new String[] {"r", "alpha", "a", "b"}, BG, relativeError),
        fit(ModelFit.GAMMA_GAMMA, new String[] {"p", "q", "v"}, GG, relativeError));
  }

  /** id, x, t_x, T, zbar, rfm_segment, channel. */
  private static final Object[][] CUSTOMERS = {
      {"c1", 2L, 30.43, 38.86, "22.35", "champions", "web"},
      {"c2", 2L, 30.43, 38.86, "40.00", "champions", "store"},
      {"c3", 1L, 1.71, 38.86, "11.77", "at_risk", "web"},
      {"c4", 0L, 0.0, 38.86, null, "new", "web"},
      {"c5", 5L, 20.0, 30.0, "-3.00", "loyal", "store"}}; // negative mean repeat value counts as 0

  private Dataset<Row> customerClv(ClvFits fits) {
    List<Row> rows = new ArrayList<>();
    for (Object[] c : CUSTOMERS) {
      rows.add(RowFactory.create(c[0], c[1], c[2], c[3], c[4] == null ? null : new BigDecimal((String) c[4]).setScale(4),
          Date.valueOf("1997-01-01"), new BigDecimal("10.0000"), null, null, null, null)); // no backtest columns
    }
    return CustomerClv.build(spark.createDataFrame(rows, CustomerSummaries.TABLE.schema()), fits, SETTINGS);
  }

  private Dataset<Row> customerFacts() {
    StructType schema = new StructType().add(CustomerFacts.CUSTOMER_ID, DataTypes.StringType).add(CustomerFacts.RFM_SEGMENT, DataTypes.StringType);
    return spark.createDataFrame(Arrays.stream(CUSTOMERS).map(c -> RowFactory.create(c[0], c[5])).toList(), schema);
  }

  private Dataset<Row> lifetimes() {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("acquisition_channel", DataTypes.StringType);
    return spark.createDataFrame(Arrays.stream(CUSTOMERS).map(c -> RowFactory.create(c[0], c[6])).toList(), schema);
  }

  private Map<String, Row> build(ClvFits fits, LocalDate asOf) {
    Dataset<Row> clv = customerClv(fits).cache();
    Dataset<Row> out = ClvSegmentSummary.build(clv, customerFacts(), lifetimes(), fits, SETTINGS, asOf);
    assertEquals(ClvSegmentSummary.TABLE.schema().toString(), out.schema().toString());
    Map<String, Row> rows = new HashMap<>();
    for (Row r : out.collectAsList()) {
      rows.put(r.getString(0) + "/" + r.getString(1), r);
    }
    return rows;
  }

  @Test
  void segmentTotalsAndTheirIntervalMatchADriverSideRecomputation() {
    ClvFits fits = fits(0.1);
    Map<String, Row> rows = build(fits, AS_OF);

    // overall, two tiers, four RFM segments, two channels
    assertEquals(1 + 2 + 4 + 2, rows.size());
    Row overall = rows.get("overall/null");
    assertEquals(5L, overall.<Long>getAs(ClvSegmentSummary.CUSTOMERS));
    BigDecimal clvSum = customerClv(fits).collectAsList().stream().map(r -> r.getDecimal(8)).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals(clvSum, overall.getAs(ClvSegmentSummary.CLV));
    assertEquals(200L, overall.<Long>getAs(ClvSegmentSummary.INTERVAL_DRAWS));

    // The same draws (seed = the as-of day number), purchase model first, then Gamma-Gamma with
    // q > 1; each customer's CLV written out from the formulas, summed per segment.
    Random random = new Random(AS_OF.toEpochDay());
    List<double[]> bg = ParameterDraws.draw(fits.selected(), 200, random, p -> true);
    List<double[]> gg = ParameterDraws.draw(fits.gammaGamma(), 200, random, p -> p[1] > 1);
    Map<String, double[]> totals = new HashMap<>();
    double month = 365.25 / 12 / 7;
    for (int d = 0; d < 200; d++) {
      BgNbdParameters m = new BgNbdParameters(bg.get(d)[0], bg.get(d)[1], bg.get(d)[2], bg.get(d)[3]);
      GammaGammaParameters g = new GammaGammaParameters(gg.get(d)[0], gg.get(d)[1], gg.get(d)[2]);
      for (Object[] c : CUSTOMERS) {
        long x = (Long) c[1];
        double value = x > 0 ? g.conditionalExpectedValue(x, Math.max(0, Double.parseDouble((String) c[4]))) : g.populationMeanValue();
        double clv = 0;
        for (int k = 1; k <= 12; k++) {
          double increment = m.conditionalExpectedPurchases(k * month, x, (Double) c[2], (Double) c[3])
              - m.conditionalExpectedPurchases((k - 1) * month, x, (Double) c[2], (Double) c[3]);
          clv += value * increment / Math.pow(1.01, k);
        }
        for (String key : List.of("overall/null", "rfm_segment/" + c[5], "acquisition_channel/" + c[6])) {
          totals.computeIfAbsent(key, k -> new double[200])[d] += clv;
        }
      }
    }
    for (Map.Entry<String, double[]> e : totals.entrySet()) {
      Row r = rows.get(e.getKey());
      assertEquals(percentile(e.getValue(), 0.05), r.<BigDecimal>getAs(ClvSegmentSummary.CLV_P05).doubleValue(), 1e-3, e.getKey());
      assertEquals(percentile(e.getValue(), 0.95), r.<BigDecimal>getAs(ClvSegmentSummary.CLV_P95).doubleValue(), 1e-3, e.getKey());
    }
    double p05 = overall.<BigDecimal>getAs(ClvSegmentSummary.CLV_P05).doubleValue();
    double p95 = overall.<BigDecimal>getAs(ClvSegmentSummary.CLV_P95).doubleValue();
    assertTrue(p05 < clvSum.doubleValue() && clvSum.doubleValue() < p95, p05 + " < " + clvSum + " < " + p95);
    // tiers partition the customers
    assertEquals(5L, rows.get("clv_tier/low").<Long>getAs(ClvSegmentSummary.CUSTOMERS)
        + rows.get("clv_tier/high").<Long>getAs(ClvSegmentSummary.CUSTOMERS));
  }

  /** Spark's percentile: linear interpolation between the order statistics at p (n - 1). */
  private static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double position = p * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = Math.min(lower + 1, sorted.length - 1);
    return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
  }

  @Test
  void theIntervalIsDeterministicForADateAndChangesWithIt() {
    ClvFits fits = fits(0.1);
    Row first = build(fits, AS_OF).get("overall/null");
    Row again = build(fits, AS_OF).get("overall/null");
    Row otherDay = build(fits, AS_OF.plusDays(1)).get("overall/null");
    assertEquals(first.<BigDecimal>getAs(ClvSegmentSummary.CLV_P05), again.<BigDecimal>getAs(ClvSegmentSummary.CLV_P05));
    assertEquals(first.<BigDecimal>getAs(ClvSegmentSummary.CLV_P95), again.<BigDecimal>getAs(ClvSegmentSummary.CLV_P95));
    assertNotEquals(first.<BigDecimal>getAs(ClvSegmentSummary.CLV_P05), otherDay.<BigDecimal>getAs(ClvSegmentSummary.CLV_P05));
  }

  @Test
  void withoutACovarianceThereIsNoIntervalButThereAreTotals() {
    Map<String, Row> rows = build(fits(0), AS_OF);
    Row overall = rows.get("overall/null");
    assertTrue(overall.<BigDecimal>getAs(ClvSegmentSummary.CLV).signum() > 0);
    assertNull(overall.getAs(ClvSegmentSummary.CLV_P05));
    assertNull(overall.getAs(ClvSegmentSummary.CLV_P95));
    assertNull(overall.getAs(ClvSegmentSummary.INTERVAL_DRAWS));
  }

  @Test
  void anUnfittedPurchaseModelLeavesClvAndTiersOut() {
    ClvFits fits = new ClvFits(ModelFit.failed(ModelFit.BG_NBD, 5, "too few repeat buyers"), fits(0.1).gammaGamma());
    Map<String, Row> rows = build(fits, AS_OF);
    assertNull(rows.get("overall/null").getAs(ClvSegmentSummary.CLV));
    assertNull(rows.get("overall/null").getAs(ClvSegmentSummary.EXPECTED_PURCHASES));
    assertTrue(rows.keySet().stream().noneMatch(k -> k.startsWith("clv_tier/")), rows.keySet().toString());
    assertEquals(5L, rows.get("overall/null").<Long>getAs(ClvSegmentSummary.CUSTOMERS));
  }
}
