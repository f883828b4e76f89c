package io.rapport.marts;

import static io.rapport.marts.NpsSummary.countWhere;
import static io.rapport.marts.NpsSummary.explodePeriods;
import static io.rapport.marts.NpsSummary.withSurveyDimensions;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.schema.StagedSchemas;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.StructType;

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

  public static final String TABLE = "csat_summary";

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

  public static final StructType SCHEMA = new StructType()
      .add(PERIOD_TYPE, StringType, false)
      .add(PERIOD_START, DateType, false)
      .add(DIMENSION, StringType, false)
      .add(DIMENSION_VALUE, StringType, true)
      .add(RESPONSES, LongType, false)
      .add(SATISFIED, LongType, false)
      .add(CSAT, DoubleType, false)
      .add(CSAT_WILSON_LOW, DoubleType, false)
      .add(CSAT_WILSON_HIGH, DoubleType, false)
      .add(IS_LOW_SAMPLE, BooleanType, false);

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
      Dataset<Row> factSurveyResponses, Dataset<Row> customerDimensions, String reportingZone, int minResponses) {
    Dataset<Row> responses = factSurveyResponses
        .filter(col(FactSurveyResponses.SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_CSAT));
    Dataset<Row> counts = explodePeriods(
            withSurveyDimensions(responses, customerDimensions), col(FactSurveyResponses.RESPONDED_AT), reportingZone)
        .groupBy(PERIOD_TYPE, PERIOD_START, DIMENSION, DIMENSION_VALUE)
        .agg(count(lit(1)).as(RESPONSES),
            countWhere(col(FactSurveyResponses.IS_SATISFIED).equalTo(true)).as(SATISFIED));
    return SchemaProjection.project(counts
        .withColumn(CSAT, lit(100.0).multiply(col(SATISFIED)).divide(col(RESPONSES)))
        .withColumn(CSAT_WILSON_LOW, WILSON_LOW_PERCENT.apply(col(SATISFIED), col(RESPONSES)))
        .withColumn(CSAT_WILSON_HIGH, WILSON_HIGH_PERCENT.apply(col(SATISFIED), col(RESPONSES)))
        .withColumn(IS_LOW_SAMPLE, col(RESPONSES).lt(minResponses)), SCHEMA);
  }
}
