package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
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
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.api.java.UDF6;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * One row per period type (month, quarter), period start, dimension and dimension value that has
 * NPS responses, for one as-of date: the NPS with its 95% margin and its change versus the
 * immediately preceding calendar period of the same dimension value.
 *
 * <p>Dimensions: {@code overall} (dimension_value null), the response's {@code channel} and
 * {@code touchpoint}, and the customer's {@code cohort_month}, {@code rfm_segment},
 * {@code clv_tier} and {@code churn_status} taken from the as-of snapshot (so a past month is
 * split by today's segment). A response whose value for a dimension is null (an anonymous
 * response for the customer dimensions, a response without channel) counts in {@code overall}
 * and in no row of that dimension.
 *
 * <p>This class also holds the period and dimension plumbing shared by {@link CsatSummary},
 * {@link ReviewSummary} and {@link VoiceMonthly}.
 */
public final class NpsSummary {
  private NpsSummary() {}


  public static final String PERIOD_TYPE = "period_type";
  public static final String PERIOD_START = "period_start";
  public static final String DIMENSION = "dimension";
  public static final String DIMENSION_VALUE = "dimension_value";
  public static final String RESPONSES = "responses";
  public static final String PROMOTERS = "promoters";
  public static final String PASSIVES = "passives";
  public static final String DETRACTORS = "detractors";
  public static final String NPS = "nps";
  public static final String NPS_MARGIN_95 = "nps_margin_95";
  public static final String IS_LOW_SAMPLE = "is_low_sample";
  public static final String PREVIOUS_NPS = "previous_nps";
  public static final String NPS_CHANGE = "nps_change";
  public static final String NPS_CHANGE_P_VALUE = "nps_change_p_value";
  public static final String IS_SIGNIFICANT_CHANGE = "is_significant_change";

  public static final String PERIOD_MONTH = "month";
  public static final String PERIOD_QUARTER = "quarter";

  public static final String DIMENSION_OVERALL = "overall";
  public static final String DIMENSION_CHANNEL = StagedSchemas.CHANNEL;
  public static final String DIMENSION_TOUCHPOINT = StagedSchemas.TOUCHPOINT;
  public static final String DIMENSION_COHORT_MONTH = "cohort_month";
  public static final String DIMENSION_RFM_SEGMENT = "rfm_segment";
  public static final String DIMENSION_CLV_TIER = "clv_tier";
  public static final String DIMENSION_CHURN_STATUS = "churn_status";

  // Columns read from the customer-dimensions frame (one row per customer, as-of snapshot).

  /** Checks shared by the three period x dimension summaries (nps, csat, review). */
  static final Check SUMMARY_PERIOD_IN_DOMAIN = Check.rule("period_type_in_domain",
      "period_type is month or quarter and period_start is present",
      col(PERIOD_TYPE).isin(PERIOD_MONTH, PERIOD_QUARTER).and(col(PERIOD_START).isNotNull()));
  static final Check SUMMARY_DIMENSION_VALUE_NULL_ONLY_FOR_OVERALL = Check.rule(
      "dimension_value_null_only_for_overall", "dimension_value is null exactly when dimension is overall",
      col(DIMENSION).equalTo(DIMENSION_OVERALL).and(col(DIMENSION_VALUE).isNull())
          .or(col(DIMENSION).notEqual(DIMENSION_OVERALL).and(col(DIMENSION_VALUE).isNotNull())));
  /** Slack for comparisons between doubles computed by different formulas. */
  static final double TOLERANCE = 1e-9;

  public static final TableSpec TABLE = TableSpec.table("nps_summary")
      .grain("One row per period type, period start, dimension and dimension value with at least one NPS response, for one as-of date.")
      .notes("Periods are calendar months and quarters in the reporting zone (period_start is the first day). Dimensions: overall, channel, touchpoint, cohort_month, rfm_segment, clv_tier and churn_status; customer-level dimensions use the as-of snapshot.")
      .documentedIn("voice-tables.md")
      .builtBy(NpsSummary.class)
      .column(PERIOD_TYPE, StringType, REQUIRED, "", "`month` or `quarter`.")
      .column(PERIOD_START, DateType, REQUIRED, "reporting zone", "First day of the period.")
      .column(DIMENSION, StringType, REQUIRED, "", "`overall`, `channel`, `touchpoint`, `cohort_month`, `rfm_segment`, `clv_tier` or `churn_status`. Customer dimensions are the as-of values (V5).")
      .column(DIMENSION_VALUE, StringType, NULLABLE, "", "Value of the dimension; null only for `overall`. Responses without a value for a dimension are not in it (V4). `cohort_month` values are ISO dates (`2024-01-01`).")
      .column(RESPONSES, LongType, REQUIRED, "responses", "NPS responses in the period and value.")
      .column(PROMOTERS, LongType, REQUIRED, "responses", "Scores 9-10.")
      .column(PASSIVES, LongType, REQUIRED, "responses", "Scores 7-8.")
      .column(DETRACTORS, LongType, REQUIRED, "responses", "Scores 0-6. promoters + passives + detractors = responses.")
      .column(NPS, DoubleType, REQUIRED, "NPS points (-100..100)", "100 x (promoters - detractors) / responses.")
      .column(NPS_MARGIN_95, DoubleType, REQUIRED, "NPS points", "Half-width of the 95% interval: 1.96 x 100 x sqrt((p + d - (p - d)^2) / n), p and d the promoter and detractor shares (V6).")
      .column(IS_LOW_SAMPLE, BooleanType, REQUIRED, "", "responses < `voice.min-responses` (default 30).")
      .column(PREVIOUS_NPS, DoubleType, NULLABLE, "NPS points", "NPS of the immediately preceding period of the same type, dimension and value; null when that period has no responses (V3).")
      .column(NPS_CHANGE, DoubleType, NULLABLE, "NPS points", "nps - previous_nps.")
      .column(NPS_CHANGE_P_VALUE, DoubleType, NULLABLE, "probability", "Two-sided p-value of the two-sample z-test of the change (V8); null without a previous period or when both periods have zero variance.")
      .column(IS_SIGNIFICANT_CHANGE, BooleanType, NULLABLE, "", "nps_change_p_value < 0.05; null when the p-value is null.")
      .key(PERIOD_TYPE, PERIOD_START, DIMENSION, DIMENSION_VALUE)
      .check(SUMMARY_PERIOD_IN_DOMAIN)
      .check(SUMMARY_DIMENSION_VALUE_NULL_ONLY_FOR_OVERALL)
      .check(Check.rule("category_counts_add_up", "promoters + passives + detractors = responses > 0",
          col(PROMOTERS).plus(col(PASSIVES)).plus(col(DETRACTORS)).equalTo(col(RESPONSES)).and(col(RESPONSES).gt(0))))
      .check(Check.rule("nps_in_range", "nps is within -100..100 and nps_margin_95 >= 0",
          col(NPS).between(-100, 100).and(col(NPS_MARGIN_95).geq(0))))
      .check(Check.rule("nps_change_p_value_in_range", "nps_change_p_value is null or within 0..1",
          col(NPS_CHANGE_P_VALUE).isNull().or(col(NPS_CHANGE_P_VALUE).between(0, 1))))
      .build();

  private static final UserDefinedFunction NPS_OF = udf(
      (UDF3<Long, Long, Long, Double>) (p, d, n) ->
          p == null || d == null || n == null || n == 0 ? null : VoiceStatistics.nps(p, d, n),
      DoubleType);

  private static final UserDefinedFunction MARGIN_OF = udf(
      (UDF3<Long, Long, Long, Double>) (p, d, n) ->
          p == null || d == null || n == null || n == 0 ? null : VoiceStatistics.npsMargin95(p, d, n),
      DoubleType);

  private static final UserDefinedFunction CHANGE_P_VALUE_OF = udf(
      (UDF6<Long, Long, Long, Long, Long, Long, Double>) (p, d, n, pp, pd, pn) -> {
        if (p == null || d == null || n == null || pp == null || pd == null || pn == null || n == 0 || pn == 0) {
          return null;
        }
        double value = VoiceStatistics.npsChangePValue(p, d, n, pp, pd, pn);
        return Double.isNaN(value) ? null : value;
      },
      DoubleType);

  /**
   * Builds nps_summary.
   *
   * @param factSurveyResponses fact_survey_responses ({@link FactSurveyResponses#TABLE}); CSAT rows are ignored
   * @param customerDimensions one row per customer: customer_id, cohort_month (date), rfm_segment,
   *     clv_tier, churn_status (any may be null); extra columns are ignored
   * @param reportingZone IANA zone in which responses fall into months and quarters
   * @param minResponses rows with fewer responses get is_low_sample = true ({@code voice.min-responses})
   */
  public static Dataset<Row> build(
      Dataset<Row> factSurveyResponses, Dataset<Row> customerDimensions, ZoneId reportingZone, int minResponses) {
    Column category = col(FactSurveyResponses.NPS_CATEGORY);
    Dataset<Row> responses = factSurveyResponses
        .filter(col(FactSurveyResponses.SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_NPS));
    Dataset<Row> counts = VoicePeriods.explodePeriods(
            withSurveyDimensions(responses, customerDimensions), col(FactSurveyResponses.RESPONDED_AT), reportingZone)
        .groupBy(PERIOD_TYPE, PERIOD_START, DIMENSION, DIMENSION_VALUE)
        .agg(count(lit(1)).as(RESPONSES),
            countWhere(category.equalTo(FactSurveyResponses.PROMOTER)).as(PROMOTERS),
            countWhere(category.equalTo(FactSurveyResponses.PASSIVE)).as(PASSIVES),
            countWhere(category.equalTo(FactSurveyResponses.DETRACTOR)).as(DETRACTORS));

    WindowSpec series = seriesWindow();
    // The lagged row counts only if it is the immediately preceding calendar period.
    Column hasPrevious = lag(col(PERIOD_START), 1).over(series).equalTo(previousPeriodStart());
    Column previousPromoters = when(hasPrevious, lag(col(PROMOTERS), 1).over(series));
    Column previousDetractors = when(hasPrevious, lag(col(DETRACTORS), 1).over(series));
    Column previousResponses = when(hasPrevious, lag(col(RESPONSES), 1).over(series));

    Dataset<Row> result = counts
        .withColumn("_prev_p", previousPromoters)
        .withColumn("_prev_d", previousDetractors)
        .withColumn("_prev_n", previousResponses)
        .withColumn(NPS, NPS_OF.apply(col(PROMOTERS), col(DETRACTORS), col(RESPONSES)))
        .withColumn(NPS_MARGIN_95, MARGIN_OF.apply(col(PROMOTERS), col(DETRACTORS), col(RESPONSES)))
        .withColumn(IS_LOW_SAMPLE, col(RESPONSES).lt(minResponses))
        .withColumn(PREVIOUS_NPS, NPS_OF.apply(col("_prev_p"), col("_prev_d"), col("_prev_n")))
        .withColumn(NPS_CHANGE, col(NPS).minus(col(PREVIOUS_NPS)))
        .withColumn(NPS_CHANGE_P_VALUE, CHANGE_P_VALUE_OF.apply(
            col(PROMOTERS), col(DETRACTORS), col(RESPONSES), col("_prev_p"), col("_prev_d"), col("_prev_n")))
        .withColumn(IS_SIGNIFICANT_CHANGE,
            when(col(NPS_CHANGE_P_VALUE).isNotNull(),
                col(NPS_CHANGE_P_VALUE).lt(VoiceStatistics.SIGNIFICANCE_LEVEL)));
    return SchemaProjection.project(result, TABLE.schema());
  }

  // ---- shared plumbing of the voice summaries (package-private) ----

  /** 1 for rows meeting the condition, summed: a long count that is 0, never null, for a group. */
  static Column countWhere(Column condition) {
    return sum(when(condition, lit(1L)).otherwise(lit(0L)));
  }

  /**
   * Joins each survey response to its customer's as-of dimensions (left join: anonymous and
   * unknown customers keep null values) and explodes the seven survey dimensions.
   */
  static Dataset<Row> withSurveyDimensions(Dataset<Row> responses, Dataset<Row> customerDimensions) {
    Dataset<Row> customers = customerDimensions.select(
        col(CustomerSegments.CUSTOMER_ID).as("_dim_customer_id"),
        // ISO date text (2024-01-01), which casts back to a date in any SQL engine.
        col(CustomerSegments.COHORT_MONTH).cast(DateType).cast(StringType).as("_dim_cohort_month"),
        col(CustomerSegments.RFM_SEGMENT).cast(StringType).as("_dim_rfm_segment"),
        col(CustomerSegments.CLV_TIER).cast(StringType).as("_dim_clv_tier"),
        col(CustomerSegments.CHURN_STATUS).cast(StringType).as("_dim_churn_status"));
    Dataset<Row> joined = responses.join(
        customers, col(FactSurveyResponses.CUSTOMER_ID).equalTo(col("_dim_customer_id")), "left");
    Map<String, Column> dimensions = new LinkedHashMap<>();
    dimensions.put(DIMENSION_CHANNEL, col(FactSurveyResponses.CHANNEL));
    dimensions.put(DIMENSION_TOUCHPOINT, col(FactSurveyResponses.TOUCHPOINT));
    dimensions.put(DIMENSION_COHORT_MONTH, col("_dim_cohort_month"));
    dimensions.put(DIMENSION_RFM_SEGMENT, col("_dim_rfm_segment"));
    dimensions.put(DIMENSION_CLV_TIER, col("_dim_clv_tier"));
    dimensions.put(DIMENSION_CHURN_STATUS, col("_dim_churn_status"));
    return VoicePeriods.explodeDimensions(joined, dimensions);
  }

  /** The series of one dimension value of one period type, in calendar order. */
  static WindowSpec seriesWindow() {
    return Window.partitionBy(col(PERIOD_TYPE), col(DIMENSION), col(DIMENSION_VALUE)).orderBy(col(PERIOD_START));
  }

  /** Start of the calendar period immediately before this row's period (a month or a quarter back). */
  static Column previousPeriodStart() {
    return when(col(PERIOD_TYPE).equalTo(PERIOD_MONTH), add_months(col(PERIOD_START), -1))
        .otherwise(add_months(col(PERIOD_START), -3));
  }

  /** Selects exactly the schema's columns, in its order, cast to its types. */
}
