package io.rapport.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.schema.StagedSchemas;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One row per survey response (NPS or CSAT) up to the as-of date: the staged response with its
 * reporting-zone date and its NPS category or CSAT satisfaction flag.
 *
 * <p>Anonymous responses keep a null customer_id; they count in the summaries but in no
 * customer-level figure.
 */
public final class FactSurveyResponses {
  private FactSurveyResponses() {}

  public static final String TABLE = "fact_survey_responses";

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

  public static final StructType SCHEMA = new StructType()
      .add(RESPONSE_ID, StringType, false)
      .add(CUSTOMER_ID, StringType, true)
      .add(RESPONDED_AT, TimestampType, false)
      .add(RESPONSE_DATE, DateType, false)
      .add(SURVEY_TYPE, StringType, false)
      .add(SCORE, IntegerType, false)
      .add(NPS_CATEGORY, StringType, true)
      .add(IS_SATISFIED, BooleanType, true)
      .add(CHANNEL, StringType, true)
      .add(TOUCHPOINT, StringType, true)
      .add(COMMENT, StringType, true);

  /**
   * Builds fact_survey_responses from staged surveys ({@link StagedSchemas#SURVEYS}).
   *
   * <p>nps_category: promoter 9-10, passive 7-8, detractor 0-6, null for CSAT; is_satisfied:
   * CSAT 4-5 true, 1-3 false, null for NPS. A score outside its type's range (staging rejects
   * those) gets a null category/flag, which {@code VoiceChecks} reports.
   *
   * @param stagedSurveys staged survey responses
   * @param reportingZone IANA zone for response_date, e.g. {@code Europe/Berlin}
   */
  public static Dataset<Row> build(Dataset<Row> stagedSurveys, String reportingZone) {
    Column score = col(SCORE);
    Column isNps = col(SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_NPS);
    Column isCsat = col(SURVEY_TYPE).equalTo(StagedSchemas.SURVEY_CSAT);
    Column npsCategory = when(isNps.and(score.between(9, 10)), lit(PROMOTER))
        .when(isNps.and(score.between(7, 8)), lit(PASSIVE))
        .when(isNps.and(score.between(0, 6)), lit(DETRACTOR));
    Column isSatisfied = when(isCsat.and(score.between(4, 5)), lit(true))
        .when(isCsat.and(score.between(1, 3)), lit(false));
    return SchemaProjection.project(stagedSurveys
        .withColumn(RESPONSE_DATE, to_date(from_utc_timestamp(col(RESPONDED_AT), reportingZone)))
        .withColumn(NPS_CATEGORY, npsCategory)
        .withColumn(IS_SATISFIED, isSatisfied), SCHEMA);
  }

}
