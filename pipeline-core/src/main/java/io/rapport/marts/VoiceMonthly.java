package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;

import io.rapport.intermediate.ReportingCalendar;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.ZoneId;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One row per reporting-zone calendar month with at least one survey response or review: the
 * month's overall NPS, CSAT, average rating and average reply delay, for kpi_monthly.
 *
 * <p>Not a published table of its own: kpi_monthly left-joins it by month. Each figure is null in
 * a month without its kind of data (for example nps in a month with only CSAT responses). The
 * figures equal the {@code overall} month rows of nps_summary, csat_summary and review_summary.
 */
public final class VoiceMonthly {
  private VoiceMonthly() {}

  public static final String MONTH = "month";
  public static final String NPS = NpsSummary.NPS;
  public static final String CSAT = CsatSummary.CSAT;
  public static final String AVG_RATING = ReviewSummary.AVG_RATING;
  public static final String AVG_REPLY_HOURS = ReviewSummary.AVG_REPLY_HOURS;

  public static final TableSpec TABLE = TableSpec.intermediate("voice_monthly")
      .grain("One row per reporting-zone calendar month with at least one survey response or review.")
      .notes("Input of kpi_monthly (left-joined by month); not published alone.")
      .documentedIn("voice-tables.md")
      .builtBy(VoiceMonthly.class)
      .column(MONTH, DateType, REQUIRED, "reporting zone", "First day of the month.")
      .column(NPS, DoubleType, NULLABLE, "NPS points", "Overall NPS of the month; null without NPS responses.")
      .column(CSAT, DoubleType, NULLABLE, "percent", "Overall CSAT of the month; null without CSAT responses.")
      .column(AVG_RATING, DoubleType, NULLABLE, "stars", "Mean review rating of the month; null without reviews.")
      .column(AVG_REPLY_HOURS, DoubleType, NULLABLE, "hours", "Mean reply delay of the month's reviews; null without a valid delay.")
      .key(MONTH)
      .build();

  private static final String NPS_N = "_nps_responses";
  private static final String NPS_POINTS = "_nps_points";
  private static final String CSAT_N = "_csat_responses";
  private static final String CSAT_SATISFIED = "_csat_satisfied";

  /**
   * Builds the monthly voice figures.
   *
   * @param factSurveyResponses fact_survey_responses
   * @param factReviews fact_reviews
   * @param reportingZone IANA zone of the calendar months
   */
  public static Dataset<Row> build(Dataset<Row> factSurveyResponses, Dataset<Row> factReviews, ZoneId reportingZone) {
    Column category = col(FactSurveyResponses.NPS_CATEGORY);
    Column isNps = col(FactSurveyResponses.SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_NPS);
    Column isCsat = col(FactSurveyResponses.SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_CSAT);
    // Surveys and reviews in one shape, so one aggregation gives every figure (no join of months).
    Dataset<Row> surveys = factSurveyResponses.select(
        monthOf(col(FactSurveyResponses.RESPONDED_AT), reportingZone),
        when(isNps, lit(1)).otherwise(lit(0)).as(NPS_N),
        // +1 promoter, -1 detractor, 0 passive: their sum / responses x 100 is the NPS.
        when(isNps.and(category.equalTo(FactSurveyResponses.PROMOTER)), lit(1))
            .when(isNps.and(category.equalTo(FactSurveyResponses.DETRACTOR)), lit(-1))
            .otherwise(lit(0)).as(NPS_POINTS),
        when(isCsat, lit(1)).otherwise(lit(0)).as(CSAT_N),
        when(isCsat.and(col(FactSurveyResponses.IS_SATISFIED).equalTo(true)), lit(1)).otherwise(lit(0))
            .as(CSAT_SATISFIED),
        lit(null).cast(IntegerType).as(FactReviews.RATING),
        lit(null).cast(DoubleType).as(FactReviews.REPLY_HOURS));
    Dataset<Row> reviews = factReviews.select(
        monthOf(col(FactReviews.CREATED_AT), reportingZone),
        lit(0).as(NPS_N), lit(0).as(NPS_POINTS), lit(0).as(CSAT_N), lit(0).as(CSAT_SATISFIED),
        col(FactReviews.RATING).cast(IntegerType).as(FactReviews.RATING),
        col(FactReviews.REPLY_HOURS).cast(DoubleType).as(FactReviews.REPLY_HOURS));

    Column npsResponses = sum(col(NPS_N).cast(LongType));
    Column csatResponses = sum(col(CSAT_N).cast(LongType));
    Dataset<Row> monthly = surveys.unionByName(reviews)
        .groupBy(MONTH)
        .agg(
            when(npsResponses.gt(0), lit(100.0).multiply(sum(col(NPS_POINTS))).divide(npsResponses)).as(NPS),
            when(csatResponses.gt(0), lit(100.0).multiply(sum(col(CSAT_SATISFIED))).divide(csatResponses)).as(CSAT),
            avg(col(FactReviews.RATING)).as(AVG_RATING),
            avg(col(FactReviews.REPLY_HOURS)).as(AVG_REPLY_HOURS));
    return SchemaProjection.project(monthly, TABLE.schema());
  }

  private static Column monthOf(Column instant, ZoneId reportingZone) {
    return trunc(ReportingCalendar.dayOf(instant, reportingZone), "month").as(MONTH);
  }
}
