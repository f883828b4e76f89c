package io.rapport.marts;

import static io.rapport.marts.FactSurveyResponsesTest.schemaText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.schema.StagedSchemas;
import io.rapport.testing.SparkTestSupport;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class NpsSummaryTest extends SparkTestSupport {

  static final StructType CUSTOMER_DIMENSIONS = new StructType()
      .add("customer_id", "string").add("cohort_month", "date").add("rfm_segment", "string")
      .add("clv_tier", "string").add("churn_status", "string");

  private int sequence;

  /** A staged survey response; ids are generated. */
  private Row response(String customer, String at, String type, int score, String channel) {
    return RowFactory.create("r" + (++sequence), customer, Timestamp.from(Instant.parse(at)), type, score, null,
        channel, null, null);
  }

  private List<Row> npsScores(String at, String channel, int... scores) {
    List<Row> rows = new ArrayList<>();
    for (int score : scores) {
      rows.add(response(null, at, "nps", score, channel));
    }
    return rows;
  }

  private Dataset<Row> facts(List<Row> staged) {
    return FactSurveyResponses.build(spark.createDataFrame(staged, StagedSchemas.SURVEYS), ZoneId.of("UTC"));
  }

  private Dataset<Row> noCustomers() {
    return spark.createDataFrame(List.of(), CUSTOMER_DIMENSIONS);
  }

  static Row find(List<Row> rows, String periodType, String periodStart, String dimension, String value) {
    List<Row> found = rows.stream()
        .filter(r -> r.getString(0).equals(periodType)
            && r.getDate(1).equals(Date.valueOf(periodStart))
            && r.getString(2).equals(dimension)
            && Objects.equals(r.getString(3), value))
        .collect(Collectors.toList());
    assertEquals(1, found.size(), () -> "rows for " + periodType + "/" + periodStart + "/" + dimension + "/" + value
        + " in " + rows);
    return found.get(0);
  }

  static long countRows(List<Row> rows, String periodType, String dimension) {
    return rows.stream().filter(r -> r.getString(0).equals(periodType) && r.getString(2).equals(dimension)).count();
  }

  /** SPEC section 5: 50 promoters, 30 passives and 20 detractors, all in January 2024. */
  private List<Row> specFiftyThirtyTwenty() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(response(null, "2024-01-05T12:00:00Z", "nps", 10, null));
    }
    for (int i = 0; i < 30; i++) {
      rows.add(response(null, "2024-01-06T12:00:00Z", "nps", 8, null));
    }
    for (int i = 0; i < 20; i++) {
      rows.add(response(null, "2024-01-07T12:00:00Z", "nps", 3, null));
    }
    return rows;
  }

  @Test
  void specExampleGivesNps30Margin15point3() {
    Dataset<Row> summary = NpsSummary.build(facts(specFiftyThirtyTwenty()), noCustomers(), ZoneId.of("UTC"), 30);
    assertEquals(schemaText(NpsSummary.TABLE.schema()), schemaText(summary.schema()));
    List<Row> rows = summary.collectAsList();
    // No channel, no customer: overall only, one month and one quarter.
    assertEquals(2, rows.size());
    Row month = find(rows, "month", "2024-01-01", "overall", null);
    assertEquals(100L, month.<Long>getAs("responses"));
    assertEquals(50L, month.<Long>getAs("promoters"));
    assertEquals(30L, month.<Long>getAs("passives"));
    assertEquals(20L, month.<Long>getAs("detractors"));
    assertEquals(30.0, month.getAs("nps"), 1e-9);
    assertEquals(15.3, month.getAs("nps_margin_95"), 0.05);
    assertEquals(false, month.getAs("is_low_sample"));
    assertNull(month.getAs("previous_nps"));
    assertNull(month.getAs("nps_change_p_value"));
    assertNull(month.getAs("is_significant_change"));
    Row quarter = find(rows, "quarter", "2024-01-01", "overall", null);
    assertEquals(30.0, quarter.getAs("nps"), 1e-9);
  }

  @Test
  void boundaryScoresSixToNineSplitIntoOneTwoOne() {
    List<Row> staged = npsScores("2024-01-10T10:00:00Z", null, 6, 7, 8, 9);
    staged.add(response(null, "2024-01-10T10:00:00Z", "csat", 5, null)); // CSAT is ignored
    Row month = find(NpsSummary.build(facts(staged), noCustomers(), ZoneId.of("UTC"), 30).collectAsList(),
        "month", "2024-01-01", "overall", null);
    // 9 promoter; 7, 8 passive; 6 detractor -> (1 - 1) / 4 = 0
    assertEquals(4L, month.<Long>getAs("responses"));
    assertEquals(1L, month.<Long>getAs("promoters"));
    assertEquals(2L, month.<Long>getAs("passives"));
    assertEquals(1L, month.<Long>getAs("detractors"));
    assertEquals(0.0, month.getAs("nps"), 1e-9);
  }

  @Test
  void aSingleResponseValueHasNoMarginAndIsLowSample() {
    List<Row> staged = npsScores("2024-01-10T10:00:00Z", "web", 10, 0);
    staged.addAll(npsScores("2024-01-11T10:00:00Z", "phone", 10));
    List<Row> rows = NpsSummary.build(facts(staged), noCustomers(), ZoneId.of("UTC"), 2).collectAsList();
    Row phone = find(rows, "month", "2024-01-01", "channel", "phone");
    assertEquals(1L, phone.<Long>getAs("responses"));
    assertEquals(100.0, phone.getAs("nps"), 1e-9);
    assertEquals(0.0, phone.getAs("nps_margin_95"), 0.0);
    assertEquals(true, phone.getAs("is_low_sample"));
    // web: 2 responses, not below the minimum of 2; 1 promoter + 1 detractor: variance 1 - 0 = 1,
    // margin 196 x sqrt(1/2) = 138.59
    Row web = find(rows, "month", "2024-01-01", "channel", "web");
    assertEquals(false, web.getAs("is_low_sample"));
    assertEquals(138.5929, web.getAs("nps_margin_95"), 1e-4);
  }

  @Test
  void monthsWithoutDataHaveNoRowAndBreakTheComparison() {
    // January and March, no February; April starts the second quarter.
    List<Row> staged = npsScores("2024-01-10T10:00:00Z", null, 10, 10, 0);
    staged.addAll(npsScores("2024-03-10T10:00:00Z", null, 10, 5));
    staged.addAll(npsScores("2024-04-10T10:00:00Z", null, 0));
    List<Row> rows = NpsSummary.build(facts(staged), noCustomers(), ZoneId.of("UTC"), 30).collectAsList();
    assertEquals(3, countRows(rows, "month", "overall"));
    assertTrue(rows.stream().noneMatch(r -> r.getDate(1).equals(Date.valueOf("2024-02-01"))));
    // March follows an empty February: no previous value although January has data.
    Row march = find(rows, "month", "2024-03-01", "overall", null);
    assertNull(march.getAs("previous_nps"));
    assertNull(march.getAs("nps_change"));
    // April's previous month is March: (1 - 1)/2 = 0 -> -100, change -100.
    Row april = find(rows, "month", "2024-04-01", "overall", null);
    assertEquals(0.0, april.getAs("previous_nps"), 1e-9);
    assertEquals(-100.0, april.getAs("nps_change"), 1e-9);
  }

  @Test
  void quarterRollsUpItsMonths() {
    List<Row> staged = npsScores("2024-01-10T10:00:00Z", null, 10, 10, 0);
    staged.addAll(npsScores("2024-03-10T10:00:00Z", null, 10, 5));
    staged.addAll(npsScores("2024-04-10T10:00:00Z", null, 0));
    List<Row> rows = NpsSummary.build(facts(staged), noCustomers(), ZoneId.of("UTC"), 30).collectAsList();
    assertEquals(2, countRows(rows, "quarter", "overall"));
    // Q1 = January + March: 3 promoters, 2 detractors of 5 -> NPS 20.
    Row q1 = find(rows, "quarter", "2024-01-01", "overall", null);
    assertEquals(5L, q1.<Long>getAs("responses"));
    assertEquals(3L, q1.<Long>getAs("promoters"));
    assertEquals(2L, q1.<Long>getAs("detractors"));
    assertEquals(20.0, q1.getAs("nps"), 1e-9);
    // Q2 = April's one detractor; its previous quarter is Q1.
    Row q2 = find(rows, "quarter", "2024-04-01", "overall", null);
    assertEquals(-100.0, q2.getAs("nps"), 1e-9);
    assertEquals(20.0, q2.getAs("previous_nps"), 1e-9);
    assertEquals(-120.0, q2.getAs("nps_change"), 1e-9);
  }

  /** Per channel: January 2 promoters, 1 passive, 1 detractor; February web 4 promoters, app 4 detractors. */
  private List<Row> twoChannelsOverTwoMonths() {
    List<Row> staged = npsScores("2024-01-10T10:00:00Z", "web", 10, 9, 8, 0);
    staged.addAll(npsScores("2024-01-10T10:00:00Z", "app", 10, 9, 8, 0));
    staged.addAll(npsScores("2024-02-10T10:00:00Z", "web", 10, 10, 9, 9));
    staged.addAll(npsScores("2024-02-10T10:00:00Z", "app", 0, 1, 2, 3));
    return staged;
  }

  @Test
  void changeVersusThePreviousMonthIsTestedPerValue() {
    List<Row> rows = NpsSummary.build(facts(twoChannelsOverTwoMonths()), noCustomers(), ZoneId.of("UTC"), 30).collectAsList();
    // January: NPS (2 - 1)/4 = 25, per-response variance 0.75 - 0.25^2 = 0.6875.
    // web February: NPS 100, variance 0. z = 0.75 / sqrt(0.6875/4) = 1.809068, p = 0.0704404 -> not significant.
    Row web = find(rows, "month", "2024-02-01", "channel", "web");
    assertEquals(100.0, web.getAs("nps"), 1e-9);
    assertEquals(25.0, web.getAs("previous_nps"), 1e-9);
    assertEquals(75.0, web.getAs("nps_change"), 1e-9);
    assertEquals(0.0704404, web.getAs("nps_change_p_value"), 1e-7);
    assertEquals(false, web.getAs("is_significant_change"));
    // app February: NPS -100. z = -1.25 / 0.414578 = -3.015113, p = 0.0025688 -> significant.
    Row app = find(rows, "month", "2024-02-01", "channel", "app");
    assertEquals(-125.0, app.getAs("nps_change"), 1e-9);
    assertEquals(0.0025688, app.getAs("nps_change_p_value"), 1e-7);
    assertEquals(true, app.getAs("is_significant_change"));
    // January has no previous month.
    Row january = find(rows, "month", "2024-01-01", "channel", "web");
    assertNull(january.getAs("previous_nps"));
    assertNull(january.getAs("is_significant_change"));
  }

  @Test
  void customerDimensionsUseTheSnapshotAndSkipNullValues() {
    List<Row> staged = new ArrayList<>();
    staged.add(response("c1", "2024-01-10T10:00:00Z", "nps", 10, "web"));
    staged.add(response("c2", "2024-01-10T10:00:00Z", "nps", 0, null));
    staged.add(response(null, "2024-01-10T10:00:00Z", "nps", 9, "web"));
    staged.add(response("c3", "2024-01-10T10:00:00Z", "nps", 7, null)); // not in the dimensions frame
    Dataset<Row> customers = spark.createDataFrame(Arrays.asList(
        RowFactory.create("c1", Date.valueOf("2023-11-01"), "champions", "high", "active"),
        RowFactory.create("c2", null, "at_risk", null, null)), CUSTOMER_DIMENSIONS);
    List<Row> months = NpsSummary.build(facts(staged), customers, ZoneId.of("UTC"), 30).collectAsList().stream()
        .filter(r -> r.getString(0).equals("month")).collect(Collectors.toList());
    List<String> cells = months.stream()
        .map(r -> r.getString(2) + "=" + r.getString(3) + ":" + r.getLong(4))
        .sorted().collect(Collectors.toList());
    assertEquals(List.of(
        "channel=web:2",
        "churn_status=active:1",
        "clv_tier=high:1",
        "cohort_month=2023-11-01:1",
        "overall=null:4",
        "rfm_segment=at_risk:1",
        "rfm_segment=champions:1"), cells);
  }

  @Test
  void periodsFollowTheReportingZone() {
    // 23:30 UTC on 31 January is 1 February in Berlin.
    List<Row> staged = npsScores("2024-01-31T23:30:00Z", null, 10);
    Dataset<Row> facts = facts(staged);
    find(NpsSummary.build(facts, noCustomers(), ZoneId.of("Europe/Berlin"), 30).collectAsList(),
        "month", "2024-02-01", "overall", null);
    find(NpsSummary.build(facts, noCustomers(), ZoneId.of("UTC"), 30).collectAsList(),
        "month", "2024-01-01", "overall", null);
  }

  @Test
  void emptyInputGivesAnEmptyFrameWithTheSchema() {
    Dataset<Row> summary = NpsSummary.build(facts(List.of()), noCustomers(), ZoneId.of("UTC"), 30);
    assertEquals(schemaText(NpsSummary.TABLE.schema()), schemaText(summary.schema()));
    assertTrue(summary.collectAsList().isEmpty());
  }
}
