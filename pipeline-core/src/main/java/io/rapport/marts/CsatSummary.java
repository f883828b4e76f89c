package io.rapport.marts;

import static io.rapport.marts.NpsSummary.countWhere;
import static io.rapport.marts.NpsSummary.withSurveyDimensions;
import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.schema.Check;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.ZoneId;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;

/**
 * One row per period type (month, quarter), period start, dimension and dimension value that has
 * CSAT responses, for one as-of date: the share of satisfied responses (score 4-5) in percent with
 * its 95% Wilson interval, also in percent.
 *
 * <p>Periods and dimensions are those of {@link NpsSummary}: overall, channel, touchpoint and the
 * customer's as-of cohort_month, rfm_segment, clv_tier and churn_status; a response with a null
 * value for a dimension counts in overall only for that dimension.
 */
public final class CsatSummary {
  private CsatSummary() {}


  public static final String PERIOD_TYPE = NpsSummary.PERIOD_TYPE;
  public static final String PERIOD_START = NpsSummary.PERIOD_START;
  public static final String DIMENSION = NpsSummary.DIMENSION;
  public static final String DIMENSION_VALUE = NpsSummary.DIMENSION_VALUE;
  public static final String RESPONSES = NpsSummary.RESPONSES;
  public static final String SATISFIED = "satisfied";
  /** 100 x satisfied / responses (a percentage, not the mean score). */
  public static final String CSAT = "csat";
  /** Lower bound of the 95% Wilson interval of satisfied / responses, in percent like csat. */
  public static final String CSAT_WILSON_LOW = "csat_wilson_low";
  /** Upper bound of the 95% Wilson interval of satisfied / responses, in percent like csat. */
  public static final String CSAT_WILSON_HIGH = "csat_wilson_high";
  public static final String IS_LOW_SAMPLE = NpsSummary.IS_LOW_SAMPLE;

  public static final TableSpec TABLE = TableSpec.table("csat_summary")
      .grain("One row per period type, period start, dimension and dimension value with at least one CSAT response, for one as-of date.")
      .notes("Periods and dimensions are those of nps_summary.")
      .documentedIn("voice-tables.md")
      .builtBy(CsatSummary.class)
      .column(PERIOD_TYPE, StringType, REQUIRED, "", "`month` or `quarter`.")
      .column(PERIOD_START, DateType, REQUIRED, "reporting zone", "First day of the period.")
      .column(DIMENSION, StringType, REQUIRED, "", "As in nps_summary.")
      .column(DIMENSION_VALUE, StringType, NULLABLE, "", "As in nps_summary.")
      .column(RESPONSES, LongType, REQUIRED, "responses", "CSAT responses.")
      .column(SATISFIED, LongType, REQUIRED, "responses", "Responses scoring 4 or 5.")
      .column(CSAT, DoubleType, REQUIRED, "percent (0..100)", "100 x satisfied / responses (a share, not the mean score).")
      .column(CSAT_WILSON_LOW, DoubleType, REQUIRED, "percent (0..100)", "Lower bound of the 95% Wilson score interval of satisfied / responses, x 100 (V9).")
      .column(CSAT_WILSON_HIGH, DoubleType, REQUIRED, "percent (0..100)", "Upper bound of the same interval, x 100.")
      .column(IS_LOW_SAMPLE, BooleanType, REQUIRED, "", "responses < `voice.min-responses` (default 30).")
      .key(PERIOD_TYPE, PERIOD_START, DIMENSION, DIMENSION_VALUE)
      .check(NpsSummary.SUMMARY_PERIOD_IN_DOMAIN)
      .check(NpsSummary.SUMMARY_DIMENSION_VALUE_NULL_ONLY_FOR_OVERALL)
      .check(Check.rule("satisfied_within_responses", "0 <= satisfied <= responses, responses > 0",
          col(SATISFIED).between(lit(0), col(RESPONSES)).and(col(RESPONSES).gt(0))))
      .check(Check.rule("csat_in_range", "0 <= csat_wilson_low <= csat <= csat_wilson_high <= 100",
          col(CSAT).between(0, 100).and(col(CSAT_WILSON_LOW).geq(0)).and(col(CSAT_WILSON_HIGH).leq(100))
              .and(col(CSAT_WILSON_LOW).leq(col(CSAT).plus(NpsSummary.TOLERANCE)))
              .and(col(CSAT).leq(col(CSAT_WILSON_HIGH).plus(NpsSummary.TOLERANCE)))))
      .build();

  private static final UserDefinedFunction WILSON_LOW_PERCENT = udf(
      (UDF2<Long, Long, Double>) (k, n) -> k == null || n == null || n == 0
          ? null : 100.0 * VoiceStatistics.wilsonLower(k, n, VoiceStatistics.Z_95),
      DoubleType);

  private static final UserDefinedFunction WILSON_HIGH_PERCENT = udf(
      (UDF2<Long, Long, Double>) (k, n) -> k == null || n == null || n == 0
          ? null : 100.0 * VoiceStatistics.wilsonUpper(k, n, VoiceStatistics.Z_95),
      DoubleType);

  /**
   * Builds csat_summary.
   *
   * @param factSurveyResponses fact_survey_responses; NPS rows are ignored
   * @param customerDimensions one row per customer: customer_id, cohort_month, rfm_segment,
   *     clv_tier, churn_status (as for {@link NpsSummary#build})
   * @param reportingZone IANA zone in which responses fall into months and quarters
   * @param minResponses rows with fewer responses get is_low_sample = true
   */
  public static Dataset<Row> build(
      Dataset<Row> factSurveyResponses, Dataset<Row> customerDimensions, ZoneId reportingZone, int minResponses) {
    Dataset<Row> responses = factSurveyResponses
        .filter(col(FactSurveyResponses.SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_CSAT));
    Dataset<Row> counts = VoicePeriods.explodePeriods(
            withSurveyDimensions(responses, customerDimensions), col(FactSurveyResponses.RESPONDED_AT), reportingZone)
        .groupBy(PERIOD_TYPE, PERIOD_START, DIMENSION, DIMENSION_VALUE)
        .agg(count(lit(1)).as(RESPONSES),
            countWhere(col(FactSurveyResponses.IS_SATISFIED).equalTo(true)).as(SATISFIED));
    return SchemaProjection.project(counts
        .withColumn(CSAT, lit(100.0).multiply(col(SATISFIED)).divide(col(RESPONSES)))
        .withColumn(CSAT_WILSON_LOW, WILSON_LOW_PERCENT.apply(col(SATISFIED), col(RESPONSES)))
        .withColumn(CSAT_WILSON_HIGH, WILSON_HIGH_PERCENT.apply(col(SATISFIED), col(RESPONSES)))
        .withColumn(IS_LOW_SAMPLE, col(RESPONSES).lt(minResponses)), TABLE.schema());
  }
}
