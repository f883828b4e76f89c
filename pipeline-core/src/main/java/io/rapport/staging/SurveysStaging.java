package io.rapport.staging;

import static io.rapport.schema.StagedSchemas.*;
import static io.rapport.staging.Rules.freeText;
import static io.rapport.staging.Rules.integer;
import static io.rapport.staging.Rules.quoted;
import static io.rapport.staging.Rules.text;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.when;

import io.rapport.staging.Rules.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Surveys rules (SPEC 2, surveys; in this order, first failure wins): malformed_row,
 * missing_response_id, invalid_timestamp (responded_at), invalid_survey_type (nps or csat,
 * case-insensitive, stored lower-case), invalid_score, score_out_of_range (nps 0..10, csat 1..5).
 * customer_id is optional (anonymous responses). Natural key: response_id.
 */
final class SurveysStaging {
  private SurveysStaging() {}

  static Validated validate(Dataset<Row> canonical, TimestampParser timestamps, String format,
      java.nio.charset.Charset encoding) {
    Dataset<Row> df = canonical
        .withColumn("_t_response_id", text(RESPONSE_ID))
        .withColumn("_t_ts_text", text(RESPONDED_AT))
        .withColumn("_t_responded_any", Rules.timestamp(canonical, RESPONDED_AT, timestamps))
        .withColumn("_t_responded_at", Rules.inRange(col("_t_responded_any")))
        .withColumn("_t_type_text", text(SURVEY_TYPE))
        .withColumn("_t_survey_type", lower(col("_t_type_text")))
        .withColumn("_t_score_text", text(SCORE))
        .withColumn("_t_score", integer("_t_score_text"));
    Column type = col("_t_survey_type");
    Column score = col("_t_score");
    Column inRange = when(type.equalTo(lit(SURVEY_NPS)), score.between(0, 10)).otherwise(score.between(1, 5));
    List<Rule> rules = List.of(
        Rules.malformed(format),
        Rules.encoding(encoding),
        new Rule(RejectReason.MISSING_RESPONSE_ID, col("_t_response_id").isNull(), lit("response_id is empty")),
        new Rule(RejectReason.INVALID_TIMESTAMP, col("_t_responded_at").isNull(),
            Rules.timestampDetail("responded_at", col("_t_ts_text"), col("_t_responded_any"), timestamps)),
        new Rule(RejectReason.INVALID_SURVEY_TYPE, type.isNull().or(type.isin(SURVEY_NPS, SURVEY_CSAT).unary_$bang()),
            quoted("survey_type", col("_t_type_text"), "is not nps or csat")),
        new Rule(RejectReason.INVALID_SCORE, score.isNull(), quoted("score", col("_t_score_text"), "is not an integer")),
        new Rule(RejectReason.SCORE_OUT_OF_RANGE, inRange.unary_$bang(),
            concat(lit("score '"), col("_t_score_text"), lit("' is outside "),
                when(type.equalTo(lit(SURVEY_NPS)), lit("0..10 for nps")).otherwise(lit("1..5 for csat")))));
    df = Rules.withReason(df, rules);

    Map<String, Column> out = new LinkedHashMap<>();
    out.put(RESPONSE_ID, col("_t_response_id"));
    out.put(CUSTOMER_ID, text(CUSTOMER_ID));
    out.put(RESPONDED_AT, col("_t_responded_at"));
    out.put(SURVEY_TYPE, type);
    out.put(SCORE, score);
    out.put(COMMENT, freeText(COMMENT));
    out.put(CHANNEL, text(CHANNEL));
    out.put(TOUCHPOINT, text(TOUCHPOINT));
    out.put(SOURCE_FILE, col(SourceReader.FILE));
    return new Validated(df, out, col("_t_responded_at"));
  }
}
