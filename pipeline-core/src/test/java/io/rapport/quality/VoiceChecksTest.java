package io.rapport.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.marts.CsatSummary;
import io.rapport.marts.FactReviews;
import io.rapport.marts.FactSurveyResponses;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.ReviewSummary;
import io.rapport.schema.Severity;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import io.rapport.testing.SparkTestSupport;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class VoiceChecksTest extends SparkTestSupport {

  private static final StructType ORDERS = new StructType().add("order_id", "string").add("customer_id", "string");
  private static final StructType CUSTOMERS = new StructType()
      .add("customer_id", "string").add("cohort_month", "date").add("rfm_segment", "string")
      .add("clv_tier", "string").add("churn_status", "string");

  private static Timestamp ts(String instant) {
    return instant == null ? null : Timestamp.from(Instant.parse(instant));
  }

  private Dataset<Row> surveys() {
    return FactSurveyResponses.build(spark.createDataFrame(List.of(
        RowFactory.create("r1", "c1", ts("2024-01-05T10:00:00Z"), "nps", 9, null, "web", null, null),
        RowFactory.create("r2", null, ts("2024-01-06T10:00:00Z"), "nps", 6, null, "web", null, null),
        RowFactory.create("r3", "c1", ts("2024-02-06T10:00:00Z"), "csat", 4, null, null, "delivery", null)),
        StagedSchemas.SURVEYS), ZoneId.of("UTC"));
  }

  private Dataset<Row> reviews() {
    return FactReviews.build(spark.createDataFrame(List.of(
        RowFactory.create("rv1", "c1", null, "p1", "shoes", 5, null, null,
            ts("2024-01-09T10:00:00Z"), ts("2024-01-09T12:00:00Z"), null),
        RowFactory.create("rv2", null, "O1", null, null, 2, null, null,
            ts("2024-02-09T10:00:00Z"), null, null)), StagedSchemas.REVIEWS),
        spark.createDataFrame(List.of(RowFactory.create("O1", "c2")), ORDERS), ZoneId.of("UTC"));
  }

  private Dataset<Row> customers() {
    return spark.createDataFrame(List.of(
        RowFactory.create("c1", Date.valueOf("2023-12-01"), "champions", "high", "active")), CUSTOMERS);
  }

  private static List<CheckResult> check(TableSpec table, Dataset<Row> frame) {
    return QualityGate.check(table, frame, name -> {
      throw new AssertionError("the voice tables declare no reconciliation, yet " + name + " was read");
    });
  }

  private static Map<String, CheckResult> byName(List<CheckResult> results) {
    return results.stream().collect(Collectors.toMap(r -> r.table() + "." + r.check(), Function.identity()));
  }

  @Test
  void tablesBuiltByTheMartsPassEveryCheck() {
    // Cached as the published Parquet would be: each check re-reads its table, not its whole plan.
    Dataset<Row> surveys = surveys().cache();
    Dataset<Row> reviews = reviews().cache();
    List<CheckResult> results = new ArrayList<>();
    results.addAll(check(FactSurveyResponses.TABLE, surveys));
    results.addAll(check(FactReviews.TABLE, reviews));
    results.addAll(check(NpsSummary.TABLE, NpsSummary.build(surveys, customers(), ZoneId.of("UTC"), 30).cache()));
    results.addAll(check(CsatSummary.TABLE, CsatSummary.build(surveys, customers(), ZoneId.of("UTC"), 30).cache()));
    results.addAll(check(ReviewSummary.TABLE, ReviewSummary.build(reviews, ZoneId.of("UTC")).cache()));
    // 6 survey fact + 5 review fact + 7 nps + 6 csat + 8 review summary checks, each table's
    // required_columns_present included
    assertEquals(32, results.size());
    List<CheckResult> failed = results.stream().filter(r -> !r.passed()).collect(Collectors.toList());
    assertTrue(failed.isEmpty(), () -> "unexpected failures: " + failed);
    assertTrue(results.stream().allMatch(r -> r.detail().endsWith(": holds")));
  }

  /** Three responses with a duplicated id, a score-9 "detractor" and a CSAT score of 7. */
  private Dataset<Row> brokenSurveys() {
    return spark.createDataFrame(List.of(
        RowFactory.create("r1", "c1", ts("2024-01-05T10:00:00Z"), Date.valueOf("2024-01-05"), "nps", 9,
            "detractor", null, null, null, null),
        RowFactory.create("r1", "c1", ts("2024-01-05T10:00:00Z"), Date.valueOf("2024-01-05"), "nps", 9,
            "promoter", null, null, null, null),
        RowFactory.create("r7", "c2", ts("2024-01-05T10:00:00Z"), Date.valueOf("2024-01-05"), "csat", 7,
            null, true, null, null, null)), FactSurveyResponses.TABLE.schema());
  }

  @Test
  void brokenSurveyFactIsCaughtWithExamples() {
    Map<String, CheckResult> results = byName(check(FactSurveyResponses.TABLE, brokenSurveys()));
    CheckResult unique = results.get("fact_survey_responses.keys_unique_and_non_null");
    assertFalse(unique.passed());
    assertEquals(2, unique.failingRows());   // both copies of r1
    assertEquals(Severity.ERROR, unique.severity());
    assertTrue(unique.detail().contains("e.g. response_id=r1"), unique.detail());
    CheckResult category = results.get("fact_survey_responses.nps_category_matches_score");
    assertEquals(1, category.failingRows());
    CheckResult range = results.get("fact_survey_responses.score_in_range");
    assertEquals(1, range.failingRows());
    assertTrue(range.detail().contains("r7"), range.detail());
    // A CSAT of 7 with is_satisfied = true is outside the domain too.
    assertEquals(1, results.get("fact_survey_responses.is_satisfied_matches_score").failingRows());
    assertTrue(results.get("fact_survey_responses.required_columns_present").passed());
  }

  @Test
  void replyBeforeReviewIsAWarning() {
    Dataset<Row> reviews = spark.createDataFrame(List.of(
        RowFactory.create("rv1", "c1", null, "p1", "shoes", 5, null, null,
            ts("2024-01-09T10:00:00Z"), Date.valueOf("2024-01-09"), ts("2024-01-09T09:00:00Z"), null, false),
        RowFactory.create("rv2", "c1", null, "p1", "shoes", 6, null, null,
            ts("2024-01-09T10:00:00Z"), Date.valueOf("2024-01-09"), null, null, false)), FactReviews.TABLE.schema());
    Map<String, CheckResult> results = byName(check(FactReviews.TABLE, reviews));
    CheckResult reply = results.get("fact_reviews.reply_not_before_review");
    assertFalse(reply.passed());
    assertEquals(Severity.WARNING, reply.severity());
    assertTrue(reply.detail().contains("rv1"), reply.detail());
    assertEquals(1, results.get("fact_reviews.rating_in_range").failingRows());
  }

  @Test
  void brokenSummariesAreCaught() {
    Date jan = Date.valueOf("2024-01-01");
    // Counts 5 + 3 + 1 != 10; a channel row without value.
    Dataset<Row> nps = spark.createDataFrame(List.of(
        RowFactory.create("month", jan, "overall", null, 10L, 5L, 3L, 1L, 40.0, 10.0, true, null, null, null, null),
        RowFactory.create("month", jan, "channel", null, 9L, 5L, 3L, 1L, 44.4, 10.0, true, null, null, null, null)),
        NpsSummary.TABLE.schema());
    Map<String, CheckResult> npsResults = byName(check(NpsSummary.TABLE, nps));
    CheckResult adds = npsResults.get("nps_summary.category_counts_add_up");
    assertEquals(1, adds.failingRows());
    assertTrue(adds.detail().contains("period_type=month, period_start=2024-01-01, dimension=overall, dimension_value=null"), adds.detail());
    assertEquals(1, npsResults.get("nps_summary.dimension_value_null_only_for_overall").failingRows());

    // csat above 100.
    Dataset<Row> csat = spark.createDataFrame(List.of(
        RowFactory.create("month", jan, "overall", null, 10L, 11L, 110.0, 80.0, 100.0, true)), CsatSummary.TABLE.schema());
    Map<String, CheckResult> csatResults = byName(check(CsatSummary.TABLE, csat));
    assertEquals(1, csatResults.get("csat_summary.csat_in_range").failingRows());
    assertEquals(1, csatResults.get("csat_summary.satisfied_within_responses").failingRows());

    // rating counts 1 + 1 + 1 + 1 + 1 != 4 and a positive share of 1.5; the same key twice.
    Row broken = RowFactory.create("quarter", jan, "product", "p1", 4L, 3.0, 1L, 1L, 1L, 1L, 1L, 1.5, 0.4, 0.5, null);
    Dataset<Row> review = spark.createDataFrame(List.of(broken, broken), ReviewSummary.TABLE.schema());
    Map<String, CheckResult> reviewResults = byName(check(ReviewSummary.TABLE, review));
    assertEquals(2, reviewResults.get("review_summary.rating_counts_add_up").failingRows());
    assertEquals(2, reviewResults.get("review_summary.shares_in_range").failingRows());
    CheckResult key = reviewResults.get("review_summary.keys_unique_and_non_null");
    assertEquals(2, key.failingRows());   // both copies
    assertTrue(key.detail().contains("period_type=quarter, period_start=2024-01-01, dimension=product, dimension_value=p1"),
        key.detail());
    assertTrue(reviewResults.get("review_summary.averages_in_range").passed());
  }
}
