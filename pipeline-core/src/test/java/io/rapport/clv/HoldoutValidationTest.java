package io.rapport.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.intermediate.CustomerSummariesTest;
import io.rapport.marts.FactOrders;
import io.rapport.models.BgNbdParameters;
import io.rapport.models.ModelFit;
import io.rapport.models.PurchaseModel;
import io.rapport.schema.StagedSchemas;
import io.rapport.staging.StagingResult;
import io.rapport.testing.SharedData;
import io.rapport.testing.SparkTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoldoutValidationTest extends SparkTestSupport {

  private static final RapportSettings.Clv WEEKS = RapportSettings.Clv.withTimeUnitDays(7.0);
  private static final StructType PURCHASE_DAYS = new StructType()
      .add(CustomerSummaries.CUSTOMER_ID, DataTypes.StringType)
      .add(CustomerSummaries.PURCHASE_DATE, DataTypes.DateType)
      .add(CustomerSummaries.NET_AMOUNT, StagedSchemas.MONEY);

  @TempDir
  static Path temp;

  /**
   * Calibration through 2024-01-28, holdout 2024-01-29 .. 2024-02-25 (28 days = 4 weeks):
   * one-time buyer a (one holdout day, and one after the holdout end, ignored), b with x=1 (no
   * holdout day), c with x=1 (two holdout days: the first and the last of the holdout), d with
   * x=8 (one), and e, first seen in the holdout (not part of the check).
   */
  private Dataset<Row> fiveCustomersAroundTheHoldout() {
    List<Row> rows = new ArrayList<>(List.of(
        day("a", "2024-01-01"), day("a", "2024-02-10"),
        day("b", "2024-01-07"), day("b", "2024-01-21"),
        day("c", "2024-01-14"), day("c", "2024-01-28"), day("c", "2024-01-29"), day("c", "2024-02-25"),
        day("e", "2024-02-01"),
        day("a", "2024-02-26")));
    for (int i = 0; i < 9; i++) {
      rows.add(day("d", LocalDate.of(2024, 1, 1).plusDays(3L * i).toString()));
    }
    rows.add(day("d", "2024-02-05"));
    return spark.createDataFrame(rows, PURCHASE_DAYS);
  }

  @Test
  void comparesActualHoldoutDaysWithTheConditionalExpectationPerBucket() {
    LocalDate calibrationEnd = LocalDate.of(2024, 1, 28);
    LocalDate holdoutEnd = LocalDate.of(2024, 2, 25);
    BgNbdParameters model = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);
    Dataset<Row> days = fiveCustomersAroundTheHoldout();

    Dataset<Row> out = HoldoutValidation.compare(days, calibrationEnd, holdoutEnd, model, 7.0);

    assertEquals(HoldoutValidation.TABLE.schema(), out.schema());
    Map<String, Row> rows = byBucket(out);
    assertEquals(Set.of("0", "1", "7+", "total"), rows.keySet());
    // Expected values straight from the model for each calibration history (weeks):
    // a: x=0, T=27/7; b: x=1, t_x=14/7, T=21/7; c: x=1, t_x=14/7, T=14/7; d: x=8, t_x=24/7, T=27/7.
    double t = 4.0;
    double a = model.conditionalExpectedPurchases(t, 0, 0, 27 / 7.0);
    double b = model.conditionalExpectedPurchases(t, 1, 2, 3);
    double c = model.conditionalExpectedPurchases(t, 1, 2, 2);
    double d = model.conditionalExpectedPurchases(t, 8, 24 / 7.0, 27 / 7.0);
    assertBucket(rows.get("0"), 0L, 1, 1, a);
    assertBucket(rows.get("1"), 1L, 2, 2, b + c); // b none, c on 29 Jan and 25 Feb (end inclusive)
    assertBucket(rows.get("7+"), 7L, 1, 1, d);
    assertBucket(rows.get("total"), null, 4, 4, a + b + c + d); // e (new in the holdout) is not counted
    // Actual holdout days: a 1 (26 Feb is after the end, 10 Feb counts), b 0, c 2, d 1.
    assertEquals(Math.abs(a - 1), rows.get("0").<Double>getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR), 1e-9);
    assertEquals((Math.abs(b - 0) + Math.abs(c - 2)) / 2, rows.get("1").<Double>getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR), 1e-9);
    assertEquals((Math.abs(a - 1) + Math.abs(b) + Math.abs(c - 2) + Math.abs(d - 1)) / 4,
        rows.get("total").<Double>getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR), 1e-9);
    assertEquals("bg_nbd", rows.get("total").getAs(HoldoutValidation.MODEL));
    assertEquals(Date.valueOf("2024-01-28"), rows.get("total").getAs(HoldoutValidation.CALIBRATION_END));
    Row total = rows.get("total");
    assertEquals(Date.valueOf("2024-01-29"), total.getAs(HoldoutValidation.HOLDOUT_START));
    assertEquals(Date.valueOf("2024-02-25"), total.getAs(HoldoutValidation.HOLDOUT_END));
    assertEquals(4.0, total.<Double>getAs(HoldoutValidation.HOLDOUT_LENGTH), 1e-12);
    assertEquals(7.0, total.<Double>getAs(HoldoutValidation.TIME_UNIT_DAYS), 1e-12);
  }

  /**
   * The backtest's counts, taken from the summaries' calibration columns, against summaries built
   * at the calibration end and a separate count of the holdout: the same triples with the same
   * customer counts, and the holdout days of exactly the calibration customers.
   */
  @Test
  void holdoutCountsHoldTheCalibrationSummariesAndTheHoldoutDaysOfTheirCustomers() {
    LocalDate calibrationEnd = LocalDate.of(1997, 7, 2);
    LocalDate holdoutEnd = LocalDate.of(1997, 9, 30);
    Dataset<Row> days = CustomerSummariesTest.cdnowPurchaseDays(spark).cache();

    HoldoutCounts counts = HoldoutCounts.collect(CustomerSummaries.build(days, holdoutEnd, calibrationEnd, 7.0));

    Map<List<Double>, Long> expected = new HashMap<>();
    for (Row r : CustomerSummaries.build(days, calibrationEnd, 7.0)
        .groupBy(CustomerSummaries.FREQUENCY, CustomerSummaries.RECENCY, CustomerSummaries.T).count().collectAsList()) {
      expected.put(List.of(((Number) r.get(0)).doubleValue(), r.getDouble(1), r.getDouble(2)), r.getLong(3));
    }
    ClvFitting.Triples triples = counts.triples();
    Map<List<Double>, Long> actual = new HashMap<>();
    for (int k = 0; k < triples.x().length; k++) {
      actual.put(List.of(triples.x()[k], triples.tx()[k], triples.t()[k]), (long) triples.w()[k]);
    }
    assertEquals(expected, actual);
    Dataset<Row> calibrationCustomers = days.filter(functions.col(CustomerSummaries.PURCHASE_DATE).leq(Date.valueOf(calibrationEnd)))
        .select(CustomerSummaries.CUSTOMER_ID).distinct();
    long holdoutDays = days.filter(functions.col(CustomerSummaries.PURCHASE_DATE).gt(Date.valueOf(calibrationEnd))
            .and(functions.col(CustomerSummaries.PURCHASE_DATE).leq(Date.valueOf(holdoutEnd))))
        .join(calibrationCustomers, CustomerSummaries.CUSTOMER_ID).count();
    long counted = 0;
    for (int i = 0; i < counts.size(); i++) {
      counted += counts.holdoutDays()[i] * counts.customers()[i];
    }
    assertTrue(holdoutDays > 0, "CDNOW has repeat purchases in the last 90 days");
    assertEquals(holdoutDays, counted);
    days.unpersist();
  }

  @Test
  void withoutAModelThePredictionsAreNullAndTheActualsStay() {
    LocalDate calibrationEnd = LocalDate.of(2024, 1, 28);
    Dataset<Row> days = fiveCustomersAroundTheHoldout();

    Map<String, Row> rows = byBucket(HoldoutValidation.compare(days, calibrationEnd, LocalDate.of(2024, 2, 25), null, 7.0));

    assertEquals(4L, rows.get("total").<Long>getAs(HoldoutValidation.ACTUAL_PURCHASES));
    assertNull(rows.get("total").getAs(HoldoutValidation.PREDICTED_PURCHASES));
    assertNull(rows.get("1").getAs(HoldoutValidation.PREDICTED_MEAN));
    assertNull(rows.get("total").getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR));
  }

  @Test
  void emptyPurchaseDaysGiveAnEmptyTable() {
    Dataset<Row> none = spark.createDataFrame(List.of(), PURCHASE_DAYS);
    LocalDate end = LocalDate.of(2024, 1, 28);

    Dataset<Row> out = HoldoutValidation.compare(none, end, end.plusDays(7), null, 7.0);

    assertEquals(HoldoutValidation.TABLE.schema(), out.schema());
    assertEquals(0, out.count());
  }

  @Test
  void aHoldoutThatDoesNotEndAfterTheCalibrationIsRefused() {
    Dataset<Row> none = spark.createDataFrame(List.of(), PURCHASE_DAYS);
    LocalDate end = LocalDate.of(2024, 1, 28);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HoldoutValidation.validate(none, end, end, WEEKS));
    assertEquals("Cannot validate the CLV model: the holdout end 2024-01-28 is not after the calibration end 2024-01-28",
        e.getMessage());
  }

  /**
   * CDNOW 1/10 sample through the pipeline's own ingestion (staged up to the holdout end), the
   * 39-week calibration of the BG/NBD paper and its 39-week holdout (1997-10-01 .. 1998-06-30).
   */
  @Test
  void cdnowHoldoutPredictionsTrackTheActualRepeatPurchases() {
    LocalDate calibrationEnd = CdnowThroughIngestionTest.CALIBRATION_END;
    LocalDate holdoutEnd = LocalDate.of(1998, 6, 30);
    StagingResult staged = CdnowThroughIngestionTest.stageCdnow(spark, temp.resolve("cdnow"), holdoutEnd);
    Dataset<Row> days = CustomerPurchaseDays.build(FactOrders.build(staged.accepted(), ZoneId.of("UTC"))).cache();

    HoldoutValidation.Result result = HoldoutValidation.validate(days, calibrationEnd, holdoutEnd, WEEKS);

    // The fit is the calibration fit of the paper (r=0.243, alpha=4.414, a=0.793, b=2.426).
    assertEquals(0.793, result.fits().bgNbd().parameter("a"), 0.0005);
    assertEquals(HoldoutValidation.TABLE.schema(), result.table().schema());
    Map<String, Row> rows = byBucket(result.table());
    assertEquals(Set.of("0", "1", "2", "3", "4", "5", "6", "7+", "total"), rows.keySet());
    Row total = rows.get("total");
    assertEquals(39.0, total.<Double>getAs(HoldoutValidation.HOLDOUT_LENGTH), 1e-12); // 273 days / 7

    // Actual figures counted from CDNOW_sample.txt in this test (distinct customer-days per
    // calibration bucket), independent of the pipeline.
    Map<String, long[]> expected = holdoutCountsFromText(calibrationEnd);
    long customers = 0;
    long actual = 0;
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      Row r = rows.get(e.getKey());
      assertEquals(e.getValue()[0], r.<Long>getAs(HoldoutValidation.CUSTOMERS), "customers in bucket " + e.getKey());
      assertEquals(e.getValue()[1], r.<Long>getAs(HoldoutValidation.ACTUAL_PURCHASES), "actual in bucket " + e.getKey());
      customers += e.getValue()[0];
      actual += e.getValue()[1];
    }
    assertEquals(2357L, customers); // README: 2,357 customers, all first seen in calibration (Q1 1997)
    assertEquals(customers, total.<Long>getAs(HoldoutValidation.CUSTOMERS));
    assertEquals(actual, total.<Long>getAs(HoldoutValidation.ACTUAL_PURCHASES));

    // Predicted: the sum of E[X(39) | x, t_x, T] over the published calibration summaries
    // (cdnow_customers_summary.csv, 2 decimals) with the fitted parameters, computed here on the
    // driver, must equal the Spark aggregate (tolerance for the CSV's rounding).
    BgNbdParameters p = result.fits().bgNbdParameters().orElseThrow();
    double expectedTotal = 0;
    List<String> summary = readLines("cdnow/cdnow_customers_summary.csv");
    assertEquals(2358, summary.size()); // header + 2,357 customers
    for (String line : summary.subList(1, summary.size())) {
      String[] f = line.trim().split(",");
      expectedTotal += p.conditionalExpectedPurchases(39, Double.parseDouble(f[1]), Double.parseDouble(f[2]),
          Double.parseDouble(f[3]));
    }
    double predicted = total.getAs(HoldoutValidation.PREDICTED_PURCHASES);
    assertEquals(expectedTotal, predicted, 1e-3 * expectedTotal);
    // Observed when this test was written: 1,653.4 predicted vs 1,882 actual purchase days
    // (-12%). The model under-predicts the CDNOW holdout in total, mostly in buckets 1 and 2
    // (0.52 vs 0.70 and 1.04 vs 1.39 per customer); buckets 0, 3..7+ agree within 15%. The bounds
    // below are wide enough for that and fail on gross errors (a wrong unit or horizon would be off
    // by a factor).
    assertTrue(Math.abs(predicted - actual) <= 0.15 * actual, "predicted " + predicted + " vs actual " + actual);
    for (String bucket : List.of("0", "1", "2", "3", "4", "5", "6", "7+")) {
      Row r = rows.get(bucket);
      double am = r.getAs(HoldoutValidation.ACTUAL_MEAN);
      double pm = r.getAs(HoldoutValidation.PREDICTED_MEAN);
      assertTrue(Math.abs(pm - am) <= 0.3 * am, "bucket " + bucket + ": predicted " + pm + " vs actual " + am);
    }

    // validate-clv reports the three purchase models side by side: each has its nine rows, the
    // same customers and actuals, and its own prediction, recomputed here from the published
    // summaries with that model's calibration fit.
    for (String model : List.of("pareto_nbd", "mbg_nbd")) {
      ModelFit fit = result.fits().fit(model).orElseThrow();
      assertTrue(fit.converged(), () -> model + ": " + fit.failureReason());
      PurchaseModel m = PurchaseModel.from(fit).orElseThrow();
      Map<String, Row> byModel = byBucket(result.table(), model);
      assertEquals(rows.keySet(), byModel.keySet());
      Row modelTotal = byModel.get("total");
      assertEquals(customers, modelTotal.<Long>getAs(HoldoutValidation.CUSTOMERS));
      assertEquals(actual, modelTotal.<Long>getAs(HoldoutValidation.ACTUAL_PURCHASES));
      double expectedModelTotal = 0;
      for (String line : summary.subList(1, summary.size())) {
        String[] f = line.trim().split(",");
        expectedModelTotal += m.conditionalExpectedPurchases(39, Double.parseDouble(f[1]), Double.parseDouble(f[2]),
            Double.parseDouble(f[3]));
      }
      double modelPredicted = modelTotal.getAs(HoldoutValidation.PREDICTED_PURCHASES);
      assertEquals(expectedModelTotal, modelPredicted, 1e-3 * expectedModelTotal, model);
      System.out.printf("CDNOW holdout %s: predicted %.1f vs actual %d, MAE %.4f%n", model, modelPredicted, actual,
          modelTotal.<Double>getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR));
    }
    System.out.printf("CDNOW holdout bg_nbd: predicted %.1f vs actual %d, MAE %.4f%n", predicted, actual,
        total.<Double>getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR));
  }

  private static List<String> readLines(String relative) {
    try {
      return Files.readAllLines(SharedData.require(relative), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** bucket -> {customers, holdout purchase days} from the raw text: distinct (customer, day) pairs. */
  private static Map<String, long[]> holdoutCountsFromText(LocalDate calibrationEnd) {
    String end = calibrationEnd.toString().replace("-", "");
    Map<String, Set<String>> calibrationDays = new HashMap<>();
    Map<String, Set<String>> holdoutDays = new HashMap<>();
    try {
      for (String line : Files.readAllLines(SharedData.require("cdnow/CDNOW_sample.txt"), StandardCharsets.US_ASCII)) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 5) {
          continue;
        }
        (f[2].compareTo(end) <= 0 ? calibrationDays : holdoutDays).computeIfAbsent(f[1], k -> new HashSet<>()).add(f[2]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, long[]> out = new TreeMap<>();
    for (Map.Entry<String, Set<String>> e : calibrationDays.entrySet()) {
      int x = e.getValue().size() - 1;
      String bucket = x >= 7 ? "7+" : Integer.toString(x);
      long[] acc = out.computeIfAbsent(bucket, k -> new long[2]);
      acc[0]++;
      acc[1] += holdoutDays.getOrDefault(e.getKey(), Set.of()).size();
    }
    return out;
  }

  private static void assertBucket(Row r, Long minFrequency, long customers, long actual, double predicted) {
    assertEquals(minFrequency, r.getAs(HoldoutValidation.MIN_FREQUENCY));
    assertEquals(customers, r.<Long>getAs(HoldoutValidation.CUSTOMERS));
    assertEquals(actual, r.<Long>getAs(HoldoutValidation.ACTUAL_PURCHASES));
    assertEquals(predicted, r.<Double>getAs(HoldoutValidation.PREDICTED_PURCHASES), 1e-9);
    assertEquals((double) actual / customers, r.<Double>getAs(HoldoutValidation.ACTUAL_MEAN), 1e-12);
    assertEquals(predicted / customers, r.<Double>getAs(HoldoutValidation.PREDICTED_MEAN), 1e-9);
  }

  private static Map<String, Row> byBucket(Dataset<Row> frame) {
    return byBucket(frame, "bg_nbd");
  }

  private static Map<String, Row> byBucket(Dataset<Row> frame, String model) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : frame.collectAsList()) {
      if (model.equals(r.getAs(HoldoutValidation.MODEL))) {
        assertNull(out.put(r.getAs(HoldoutValidation.FREQUENCY_BUCKET), r), "one row per model and bucket");
      }
    }
    return out;
  }

  private static Row day(String customer, String date) {
    return RowFactory.create(customer, Date.valueOf(date), new BigDecimal("10.0000"));
  }
}
