package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.intermediate.ReportingCalendar;
import io.rapport.schema.Check;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.ZoneId;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One row per survey response (NPS or CSAT) up to the as-of date: the staged response with its
 * reporting-zone date and its NPS category or CSAT satisfaction flag.
 *
 * <p>Anonymous responses keep a null customer_id; they count in the summaries but in no
 * customer-level figure.
 */
public final class FactSurveyResponses {
  private FactSurveyResponses() {}


  public static final String RESPONSE_ID = StagedSchemas.RESPONSE_ID;
  public static final String CUSTOMER_ID = StagedSchemas.CUSTOMER_ID;
  public static final String RESPONDED_AT = StagedSchemas.RESPONDED_AT;
  /** Calendar day of responded_at in the reporting zone. */
  public static final String RESPONSE_DATE = "response_date";
  public static final String SURVEY_TYPE = StagedSchemas.SURVEY_TYPE;
  public static final String SCORE = StagedSchemas.SCORE;
  public static final String NPS_CATEGORY = "nps_category";
  public static final String IS_SATISFIED = "is_satisfied";
  public static final String CHANNEL = StagedSchemas.CHANNEL;
  public static final String TOUCHPOINT = StagedSchemas.TOUCHPOINT;
  public static final String COMMENT = StagedSchemas.COMMENT;

  public static final String PROMOTER = "promoter";
  public static final String PASSIVE = "passive";
  public static final String DETRACTOR = "detractor";

  private static final Column IS_NPS = col(SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_NPS);
  private static final Column IS_CSAT = col(SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_CSAT);

  public static final TableSpec TABLE = TableSpec.table("fact_survey_responses")
      .grain("One row per survey response (NPS or CSAT) up to the as-of date, for one as-of date.")
      .documentedIn("voice-tables.md")
      .builtBy(FactSurveyResponses.class)
      .column(RESPONSE_ID, StringType, REQUIRED, "", "Response identifier from the source (unique).")
      .column(CUSTOMER_ID, StringType, NULLABLE, "", "Responding customer; null for anonymous responses (they count in summaries only).")
      .column(RESPONDED_AT, TimestampType, REQUIRED, "UTC instant", "When the response was given.")
      .column(RESPONSE_DATE, DateType, REQUIRED, "reporting zone", "Calendar day of `responded_at`.")
      .column(SURVEY_TYPE, StringType, REQUIRED, "", "`nps` or `csat`.")
      .column(SCORE, IntegerType, REQUIRED, "points", "0..10 for NPS, 1..5 for CSAT.")
      .column(NPS_CATEGORY, StringType, NULLABLE, "", "NPS only: `promoter` (9-10), `passive` (7-8), `detractor` (0-6); null for CSAT.")
      .column(IS_SATISFIED, BooleanType, NULLABLE, "", "CSAT only: true for 4-5, false for 1-3; null for NPS.")
      .column(CHANNEL, StringType, NULLABLE, "", "Channel of the survey (optional).")
      .column(TOUCHPOINT, StringType, NULLABLE, "", "Touchpoint surveyed, e.g. checkout, delivery (optional).")
      .column(COMMENT, StringType, NULLABLE, "", "Free text (optional; may contain newlines and quotes).")
      .key(RESPONSE_ID)
      .check(Check.rule("survey_type_in_domain", "survey_type is nps or csat",
          col(SURVEY_TYPE).isin(StagedSchemas.SURVEY_NPS, StagedSchemas.SURVEY_CSAT)))
      .check(Check.rule("score_in_range", "score is within 0..10 for nps and 1..5 for csat",
          IS_NPS.and(col(SCORE).between(0, 10)).or(IS_CSAT.and(col(SCORE).between(1, 5)))))
      .check(Check.rule("nps_category_matches_score",
          "nps_category is promoter (9-10), passive (7-8) or detractor (0-6) for nps and null otherwise",
          IS_NPS.and(col(NPS_CATEGORY).equalTo(when(col(SCORE).between(9, 10), lit(PROMOTER))
              .when(col(SCORE).between(7, 8), lit(PASSIVE)).when(col(SCORE).between(0, 6), lit(DETRACTOR))))
              .or(not(IS_NPS).and(col(NPS_CATEGORY).isNull()))))
      .check(Check.rule("is_satisfied_matches_score",
          "is_satisfied is true for csat 4-5, false for csat 1-3 and null otherwise",
          IS_CSAT.and(col(SCORE).between(1, 5)).and(col(IS_SATISFIED).equalTo(col(SCORE).geq(4)))
              .or(not(IS_CSAT).and(col(IS_SATISFIED).isNull()))))
      .build();

  /**
   * Builds fact_survey_responses from staged surveys ({@link StagedSchemas#SURVEYS}).
   *
   * <p>nps_category: promoter 9-10, passive 7-8, detractor 0-6, null for CSAT; is_satisfied:
   * CSAT 4-5 true, 1-3 false, null for NPS. A score outside its type's range (staging rejects
   * those) gets a null category/flag, which the quality gate reports.
   *
   * @param stagedSurveys staged survey responses
   * @param reportingZone IANA zone for response_date, e.g. {@code Europe/Berlin}
   */
  public static Dataset<Row> build(Dataset<Row> stagedSurveys, ZoneId reportingZone) {
    Column score = col(SCORE);
    Column npsCategory = when(IS_NPS.and(score.between(9, 10)), lit(PROMOTER))
        .when(IS_NPS.and(score.between(7, 8)), lit(PASSIVE))
        .when(IS_NPS.and(score.between(0, 6)), lit(DETRACTOR));
    Column isSatisfied = when(IS_CSAT.and(score.between(4, 5)), lit(true))
        .when(IS_CSAT.and(score.between(1, 3)), lit(false));
    return SchemaProjection.project(stagedSurveys
        .withColumn(RESPONSE_DATE, ReportingCalendar.dayOf(col(RESPONDED_AT), reportingZone))
        .withColumn(NPS_CATEGORY, npsCategory)
        .withColumn(IS_SATISFIED, isSatisfied), TABLE.schema());
  }
}
