package io.rapport.staging;

import static io.rapport.schema.StagedSchemas.*;
import static io.rapport.staging.Rules.freeText;
import static io.rapport.staging.Rules.integer;
import static io.rapport.staging.Rules.quoted;
import static io.rapport.staging.Rules.text;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.rapport.staging.Rules.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reviews rules (SPEC 2, reviews; in this order, first failure wins): malformed_row,
 * missing_review_id, invalid_timestamp (created_at, then replied_at when given), invalid_rating,
 * rating_out_of_range (1..5). customer_id and order_id are optional. A reply after the end of the
 * as-of date is not yet observed: replied_at is null in that run. Natural key: review_id.
 */
final class ReviewsStaging {
  private ReviewsStaging() {}

  /** replied_at is staged as read; the as-of cut hides a reply after the as-of date ({@link Staging}). */
  static Validated validate(Dataset<Row> canonical, TimestampParser timestamps, String format,
      java.nio.charset.Charset encoding) {
    Dataset<Row> df = canonical
        .withColumn("_t_review_id", text(REVIEW_ID))
        .withColumn("_t_created_text", text(CREATED_AT))
        .withColumn("_t_created_any", Rules.timestamp(canonical, CREATED_AT, timestamps))
        .withColumn("_t_created_at", Rules.inRange(col("_t_created_any")))
        .withColumn("_t_replied_text", text(REPLIED_AT))
        .withColumn("_t_replied_any", Rules.timestamp(canonical, REPLIED_AT, timestamps))
        .withColumn("_t_replied_at", Rules.inRange(col("_t_replied_any")))
        .withColumn("_t_rating_text", text(RATING))
        .withColumn("_t_rating", integer("_t_rating_text"));
    Column rating = col("_t_rating");
    List<Rule> rules = List.of(
        Rules.malformed(format),
        Rules.encoding(encoding),
        new Rule(RejectReason.MISSING_REVIEW_ID, col("_t_review_id").isNull(), lit("review_id is empty")),
        new Rule(RejectReason.INVALID_TIMESTAMP, col("_t_created_at").isNull(),
            Rules.timestampDetail("created_at", col("_t_created_text"), col("_t_created_any"), timestamps)),
        new Rule(RejectReason.INVALID_TIMESTAMP, col("_t_replied_text").isNotNull().and(col("_t_replied_at").isNull()),
            Rules.timestampDetail("replied_at", col("_t_replied_text"), col("_t_replied_any"), timestamps)),
        new Rule(RejectReason.INVALID_RATING, rating.isNull(), quoted("rating", col("_t_rating_text"), "is not an integer")),
        new Rule(RejectReason.RATING_OUT_OF_RANGE, rating.between(1, 5).unary_$bang(),
            quoted("rating", col("_t_rating_text"), "is outside 1..5")));
    df = Rules.withReason(df, rules);

    Map<String, Column> out = new LinkedHashMap<>();
    out.put(REVIEW_ID, col("_t_review_id"));
    out.put(CUSTOMER_ID, text(CUSTOMER_ID));
    out.put(ORDER_ID, text(ORDER_ID));
    out.put(PRODUCT_ID, text(PRODUCT_ID));
    out.put(CATEGORY, text(CATEGORY));
    out.put(RATING, rating);
    out.put(TITLE, freeText(TITLE));
    out.put(TEXT, freeText(TEXT));
    out.put(CREATED_AT, col("_t_created_at"));
    out.put(REPLIED_AT, col("_t_replied_at"));
    out.put(SOURCE_FILE, col(SourceReader.FILE));
    return new Validated(df, out, col("_t_created_at"));
  }
}
