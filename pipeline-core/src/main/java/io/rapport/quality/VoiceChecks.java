package io.rapport.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.rapport.marts.CsatSummary;
import io.rapport.marts.FactReviews;
import io.rapport.marts.FactSurveyResponses;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.ReviewSummary;
import io.rapport.schema.StagedSchemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Data-quality checks of the voice tables (fact_survey_responses, fact_reviews, nps_summary,
 * csat_summary, review_summary): keys, domains and the invariants between their columns.
 *
 * <p>These run Spark actions: one aggregate query per check, returning the number of failing rows
 * and up to two failing keys (the smallest and the largest) as examples, so no check collects
 * more than one row to the driver.
 */
public final class VoiceChecks {
  private VoiceChecks() {}

  /** Slack for comparisons between doubles computed by different formulas. */
  private static final double TOLERANCE = 1e-9;

  /** Every voice check, in table order. */
  public static List<CheckResult> all(
      Dataset<Row> factSurveyResponses, Dataset<Row> factReviews,
      Dataset<Row> npsSummary, Dataset<Row> csatSummary, Dataset<Row> reviewSummary) {
    List<CheckResult> results = new ArrayList<>();
    results.addAll(factSurveyResponses(factSurveyResponses));
    results.addAll(factReviews(factReviews));
    results.addAll(npsSummary(npsSummary));
    results.addAll(csatSummary(csatSummary));
    results.addAll(reviewSummary(reviewSummary));
    return results;
  }

  /** Key, survey type, score range, and nps_category / is_satisfied consistent with the score. */
  public static List<CheckResult> factSurveyResponses(Dataset<Row> frame) {
    String table = FactSurveyResponses.TABLE;
    Column key = col(FactSurveyResponses.RESPONSE_ID);
    Column type = col(FactSurveyResponses.SURVEY_TYPE);
    Column score = col(FactSurveyResponses.SCORE);
    Column category = col(FactSurveyResponses.NPS_CATEGORY);
    Column satisfied = col(FactSurveyResponses.IS_SATISFIED);
    Column isNps = type.equalTo(StagedSchemas.SURVEY_NPS);
    Column isCsat = type.equalTo(StagedSchemas.SURVEY_CSAT);
    Column expectedCategory = when(score.between(9, 10), lit(FactSurveyResponses.PROMOTER))
        .when(score.between(7, 8), lit(FactSurveyResponses.PASSIVE))
        .when(score.between(0, 6), lit(FactSurveyResponses.DETRACTOR));

    List<CheckResult> results = new ArrayList<>();
    results.add(rowCheck(frame, table, "response_id_not_null", Severity.ERROR, key.isNotNull(), key,
        "response_id is present"));
    results.add(uniqueCheck(frame, table, "response_id_unique", key, "response_id is unique"));
    results.add(rowCheck(frame, table, "survey_type_in_domain", Severity.ERROR, type.isin("nps", "csat"), key,
        "survey_type is nps or csat"));
    results.add(rowCheck(frame, table, "score_in_range", Severity.ERROR,
        isNps.and(score.between(0, 10)).or(isCsat.and(score.between(1, 5))), key,
        "score is within 0..10 for nps and 1..5 for csat"));
    results.add(rowCheck(frame, table, "nps_category_matches_score", Severity.ERROR,
        isNps.and(category.equalTo(expectedCategory)).or(not(isNps).and(category.isNull())), key,
        "nps_category is promoter (9-10), passive (7-8) or detractor (0-6) for nps and null otherwise"));
    results.add(rowCheck(frame, table, "is_satisfied_matches_score", Severity.ERROR,
        isCsat.and(score.between(1, 5)).and(satisfied.equalTo(score.geq(4)))
            .or(not(isCsat).and(satisfied.isNull())), key,
        "is_satisfied is true for csat 4-5, false for csat 1-3 and null otherwise"));
    return results;
  }

  /** Key, rating range, and reply timestamps in order. */
  public static List<CheckResult> factReviews(Dataset<Row> frame) {
    String table = FactReviews.TABLE;
    Column key = col(FactReviews.REVIEW_ID);
    Column repliedAt = col(FactReviews.REPLIED_AT);
    List<CheckResult> results = new ArrayList<>();
    results.add(rowCheck(frame, table, "review_id_not_null", Severity.ERROR, key.isNotNull(), key,
        "review_id is present"));
    results.add(uniqueCheck(frame, table, "review_id_unique", key, "review_id is unique"));
    results.add(rowCheck(frame, table, "rating_in_range", Severity.ERROR,
        col(FactReviews.RATING).between(1, 5), key, "rating is within 1..5"));
    // A reply stamped before its review is a source clock or mapping problem: reply_hours stays
    // null for it, the run goes on.
    results.add(rowCheck(frame, table, "reply_not_before_review", Severity.WARNING,
        repliedAt.isNull().or(repliedAt.geq(col(FactReviews.CREATED_AT))), key,
        "replied_at is not before created_at"));
    results.add(rowCheck(frame, table, "reply_hours_non_negative", Severity.ERROR,
        col(FactReviews.REPLY_HOURS).isNull().or(col(FactReviews.REPLY_HOURS).geq(0)), key,
        "reply_hours is null or >= 0"));
    return results;
  }

  /** Key, dimension values, category counts adding up, NPS and p-value ranges. */
  public static List<CheckResult> npsSummary(Dataset<Row> frame) {
    String table = NpsSummary.TABLE;
    Column key = summaryKey();
    Column responses = col(NpsSummary.RESPONSES);
    List<CheckResult> results = summaryKeyChecks(frame, table);
    results.add(rowCheck(frame, table, "category_counts_add_up", Severity.ERROR,
        col(NpsSummary.PROMOTERS).plus(col(NpsSummary.PASSIVES)).plus(col(NpsSummary.DETRACTORS)).equalTo(responses)
            .and(responses.gt(0)), key,
        "promoters + passives + detractors = responses > 0"));
    results.add(rowCheck(frame, table, "nps_in_range", Severity.ERROR,
        col(NpsSummary.NPS).between(-100, 100).and(col(NpsSummary.NPS_MARGIN_95).geq(0)), key,
        "nps is within -100..100 and nps_margin_95 >= 0"));
    results.add(rowCheck(frame, table, "nps_change_p_value_in_range", Severity.ERROR,
        probabilityOrNull(col(NpsSummary.NPS_CHANGE_P_VALUE)), key,
        "nps_change_p_value is null or within 0..1"));
    return results;
  }

  /** Key, dimension values, satisfied within responses, csat and its interval within 0..100. */
  public static List<CheckResult> csatSummary(Dataset<Row> frame) {
    String table = CsatSummary.TABLE;
    Column key = summaryKey();
    Column csat = col(CsatSummary.CSAT);
    Column low = col(CsatSummary.CSAT_WILSON_LOW);
    Column high = col(CsatSummary.CSAT_WILSON_HIGH);
    List<CheckResult> results = summaryKeyChecks(frame, table);
    results.add(rowCheck(frame, table, "satisfied_within_responses", Severity.ERROR,
        col(CsatSummary.SATISFIED).between(lit(0), col(CsatSummary.RESPONSES)).and(col(CsatSummary.RESPONSES).gt(0)),
        key, "0 <= satisfied <= responses, responses > 0"));
    results.add(rowCheck(frame, table, "csat_in_range", Severity.ERROR,
        csat.between(0, 100).and(low.geq(0)).and(high.leq(100))
            .and(low.leq(csat.plus(TOLERANCE))).and(csat.leq(high.plus(TOLERANCE))), key,
        "0 <= csat_wilson_low <= csat <= csat_wilson_high <= 100"));
    return results;
  }

  /** Key, dimensions, rating counts adding up, shares within 0..1, averages in range. */
  public static List<CheckResult> reviewSummary(Dataset<Row> frame) {
    String table = ReviewSummary.TABLE;
    Column key = summaryKey();
    Column reviews = col(ReviewSummary.REVIEWS);
    Column share = col(ReviewSummary.POSITIVE_SHARE);
    Column wilson = col(ReviewSummary.WILSON_LOWER_BOUND);
    Column replyHours = col(ReviewSummary.AVG_REPLY_HOURS);
    List<CheckResult> results = summaryKeyChecks(frame, table);
    results.add(rowCheck(frame, table, "dimension_in_domain", Severity.ERROR,
        col(ReviewSummary.DIMENSION).isin(
            ReviewSummary.DIMENSION_OVERALL, ReviewSummary.DIMENSION_PRODUCT, ReviewSummary.DIMENSION_CATEGORY),
        key, "dimension is overall, product or category"));
    results.add(rowCheck(frame, table, "rating_counts_add_up", Severity.ERROR,
        col(ReviewSummary.RATING_1).plus(col(ReviewSummary.RATING_2)).plus(col(ReviewSummary.RATING_3))
            .plus(col(ReviewSummary.RATING_4)).plus(col(ReviewSummary.RATING_5)).equalTo(reviews)
            .and(reviews.gt(0)), key,
        "rating_1 + ... + rating_5 = reviews > 0"));
    results.add(rowCheck(frame, table, "shares_in_range", Severity.ERROR,
        share.between(0, 1).and(wilson.between(0, 1)).and(col(ReviewSummary.REPLY_RATE).between(0, 1))
            .and(wilson.leq(share.plus(TOLERANCE))), key,
        "positive_share, wilson_lower_bound and reply_rate are within 0..1, wilson_lower_bound <= positive_share"));
    results.add(rowCheck(frame, table, "averages_in_range", Severity.ERROR,
        col(ReviewSummary.AVG_RATING).between(1, 5).and(replyHours.isNull().or(replyHours.geq(0))), key,
        "avg_rating is within 1..5 and avg_reply_hours is null or >= 0"));
    return results;
  }

  // ---- plumbing ----

  private static List<CheckResult> summaryKeyChecks(Dataset<Row> frame, String table) {
    Column dimension = col(NpsSummary.DIMENSION);
    Column value = col(NpsSummary.DIMENSION_VALUE);
    List<CheckResult> results = new ArrayList<>();
    results.add(uniqueCheck(frame, table, "summary_key_unique", summaryKey(),
        "(period_type, period_start, dimension, dimension_value) is unique"));
    results.add(rowCheck(frame, table, "period_type_in_domain", Severity.ERROR,
        col(NpsSummary.PERIOD_TYPE).isin(NpsSummary.PERIOD_MONTH, NpsSummary.PERIOD_QUARTER)
            .and(col(NpsSummary.PERIOD_START).isNotNull()), summaryKey(),
        "period_type is month or quarter and period_start is present"));
    results.add(rowCheck(frame, table, "dimension_value_null_only_for_overall", Severity.ERROR,
        dimension.equalTo(NpsSummary.DIMENSION_OVERALL).and(value.isNull())
            .or(dimension.notEqual(NpsSummary.DIMENSION_OVERALL).and(value.isNotNull())), summaryKey(),
        "dimension_value is null exactly when dimension is overall"));
    return results;
  }

  /** A readable key of a summary row, e.g. {@code month/2024-01-01/channel/web}. */
  private static Column summaryKey() {
    return concat_ws("/", col(NpsSummary.PERIOD_TYPE), col(NpsSummary.PERIOD_START).cast(DataTypes.StringType),
        col(NpsSummary.DIMENSION), coalesce(col(NpsSummary.DIMENSION_VALUE), lit("null")));
  }

  private static Column probabilityOrNull(Column value) {
    return value.isNull().or(value.between(0, 1));
  }

  /**
   * Counts the rows where {@code holds} is not true (false or null) in one aggregate query, with
   * the smallest and the largest failing key as examples.
   */
  private static CheckResult rowCheck(
      Dataset<Row> frame, String table, String check, Severity severity, Column holds, Column key, String rule) {
    Column failing = not(coalesce(holds, lit(false)));
    Column failingKey = when(failing, coalesce(key.cast(DataTypes.StringType), lit("null")));
    Row row = frame.agg(
            sum(when(failing, lit(1L)).otherwise(lit(0L))),
            min(failingKey),
            max(failingKey))
        .first();
    long failures = row.isNullAt(0) ? 0L : row.getLong(0);
    return CheckResult.of(table, check, severity, failures, detail(rule, failures, "rows", row.getString(1), row.getString(2)));
  }

  /** Counts the non-null keys occurring more than once, in one query, with two of them as examples. */
  private static CheckResult uniqueCheck(Dataset<Row> frame, String table, String check, Column key, String rule) {
    Row row = frame.filter(key.isNotNull())
        .groupBy(key.cast(DataTypes.StringType).as("_key"))
        .agg(count(lit(1)).as("_copies"))
        .filter(col("_copies").gt(1))
        .agg(count(lit(1)), min(col("_key")), max(col("_key")))
        .first();
    long duplicatedKeys = row.getLong(0);
    return CheckResult.of(table, check, Severity.ERROR, duplicatedKeys,
        detail(rule, duplicatedKeys, "duplicated keys", row.getString(1), row.getString(2)));
  }

  private static String detail(String rule, long failures, String unit, String firstExample, String lastExample) {
    if (failures == 0) {
      return rule + ": holds";
    }
    String examples = firstExample == null || firstExample.equals(lastExample)
        ? String.valueOf(firstExample)
        : firstExample + ", " + lastExample;
    return rule + ": violated by " + failures + " " + unit + " (e.g. " + examples + ")";
  }
}
