package io.rapport.marts;

import static io.rapport.marts.NpsSummary.countWhere;
import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.schema.Check;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.TableSpec;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;

/**
 * One row per period type (month, quarter), period start, dimension (overall, product, category)
 * and dimension value that has reviews, for one as-of date: rating distribution, positive share
 * (rating 4-5) with its Wilson lower bound, and reply rate and delay.
 *
 * <p>Reviews fall into periods by created_at in the reporting zone. A review without product_id
 * counts in {@code overall} only, as SPEC section 5 says, even when it names a category (a
 * category row then describes reviews of that category's products); a review with a product but
 * no category counts in overall and product.
 */
public final class ReviewSummary {
  private ReviewSummary() {}


  public static final String PERIOD_TYPE = NpsSummary.PERIOD_TYPE;
  public static final String PERIOD_START = NpsSummary.PERIOD_START;
  public static final String DIMENSION = NpsSummary.DIMENSION;
  public static final String DIMENSION_VALUE = NpsSummary.DIMENSION_VALUE;
  public static final String REVIEWS = "reviews";
  public static final String AVG_RATING = "avg_rating";
  public static final String RATING_1 = "rating_1";
  public static final String RATING_2 = "rating_2";
  public static final String RATING_3 = "rating_3";
  public static final String RATING_4 = "rating_4";
  public static final String RATING_5 = "rating_5";
  /** Share of reviews rated 4 or 5, as a fraction. */
  public static final String POSITIVE_SHARE = "positive_share";
  /** Lower bound of the 95% Wilson interval of positive_share, as a fraction. */
  public static final String WILSON_LOWER_BOUND = "wilson_lower_bound";
  /** Share of reviews with a reply (replied_at present), as a fraction. */
  public static final String REPLY_RATE = "reply_rate";
  /** Mean reply_hours of the replied reviews with a valid delay; null when none. */
  public static final String AVG_REPLY_HOURS = "avg_reply_hours";

  public static final String DIMENSION_OVERALL = NpsSummary.DIMENSION_OVERALL;
  public static final String DIMENSION_PRODUCT = "product";
  public static final String DIMENSION_CATEGORY = "category";

  public static final TableSpec TABLE = TableSpec.table("review_summary")
      .grain("One row per period type, period start, dimension and dimension value with at least one review, for one as-of date.")
      .notes("Reviews fall into calendar months and quarters by created_at in the reporting zone. Dimensions: overall, product and category; a review without a product counts in overall only.")
      .documentedIn("voice-tables.md")
      .builtBy(ReviewSummary.class)
      .column(PERIOD_TYPE, StringType, REQUIRED, "", "`month` or `quarter`.")
      .column(PERIOD_START, DateType, REQUIRED, "reporting zone", "First day of the period.")
      .column(DIMENSION, StringType, REQUIRED, "", "`overall`, `product` or `category`. A review without a product is in `overall` only; a review without a category is in no `category` row (V12).")
      .column(DIMENSION_VALUE, StringType, NULLABLE, "", "`product_id` or `category`; null only for `overall`.")
      .column(REVIEWS, LongType, REQUIRED, "reviews", "Reviews in the period and value.")
      .column(AVG_RATING, DoubleType, REQUIRED, "stars (1..5)", "Mean rating.")
      .column(RATING_1, LongType, REQUIRED, "reviews", "Reviews with 1 .. 5 stars; they sum to `reviews`.")   // UNDOCUMENTED?
      .column(RATING_2, LongType, REQUIRED, "reviews", "Reviews with 1 .. 5 stars; they sum to `reviews`.")   // UNDOCUMENTED?
      .column(RATING_3, LongType, REQUIRED, "reviews", "Reviews with 1 .. 5 stars; they sum to `reviews`.")   // UNDOCUMENTED?
      .column(RATING_4, LongType, REQUIRED, "reviews", "Reviews with 1 .. 5 stars; they sum to `reviews`.")   // UNDOCUMENTED?
      .column(RATING_5, LongType, REQUIRED, "reviews", "Reviews with 1 .. 5 stars; they sum to `reviews`.")   // UNDOCUMENTED?
      .column(POSITIVE_SHARE, DoubleType, REQUIRED, "fraction (0..1)", "Share of reviews rated 4 or 5.")
      .column(WILSON_LOWER_BOUND, DoubleType, REQUIRED, "fraction (0..1)", "Lower bound of the 95% Wilson score interval (z = 1.96) of positive_share; 8 positive of 10 gives 0.490. Ranks products fairly across review counts.")
      .column(REPLY_RATE, DoubleType, REQUIRED, "fraction (0..1)", "Reviews with a reply (`replied_at` present) / reviews.")
      .column(AVG_REPLY_HOURS, DoubleType, NULLABLE, "hours", "Mean `reply_hours` of replied reviews with a valid delay; null when there is none.")
      .key(PERIOD_TYPE, PERIOD_START, DIMENSION, DIMENSION_VALUE)
      .check(NpsSummary.SUMMARY_PERIOD_IN_DOMAIN)
      .check(NpsSummary.SUMMARY_DIMENSION_VALUE_NULL_ONLY_FOR_OVERALL)
      .check(Check.rule("dimension_in_domain", "dimension is overall, product or category",
          col(DIMENSION).isin(DIMENSION_OVERALL, DIMENSION_PRODUCT, DIMENSION_CATEGORY)))
      .check(Check.rule("rating_counts_add_up", "rating_1 + ... + rating_5 = reviews > 0",
          col(RATING_1).plus(col(RATING_2)).plus(col(RATING_3)).plus(col(RATING_4)).plus(col(RATING_5))
              .equalTo(col(REVIEWS)).and(col(REVIEWS).gt(0))))
      .check(Check.rule("shares_in_range",
          "positive_share, wilson_lower_bound and reply_rate are within 0..1, wilson_lower_bound <= positive_share",
          col(POSITIVE_SHARE).between(0, 1).and(col(WILSON_LOWER_BOUND).between(0, 1)).and(col(REPLY_RATE).between(0, 1))
              .and(col(WILSON_LOWER_BOUND).leq(col(POSITIVE_SHARE).plus(NpsSummary.TOLERANCE)))))
      .check(Check.rule("averages_in_range", "avg_rating is within 1..5 and avg_reply_hours is null or >= 0",
          col(AVG_RATING).between(1, 5).and(col(AVG_REPLY_HOURS).isNull().or(col(AVG_REPLY_HOURS).geq(0)))))
      .build();

  private static final String POSITIVE = "_positive";
  private static final String REPLIED = "_replied";

  private static final UserDefinedFunction WILSON_LOW = udf(
      (UDF2<Long, Long, Double>) (k, n) -> k == null || n == null || n == 0
          ? null : VoiceStatistics.wilsonLower(k, n, VoiceStatistics.Z_95),
      DoubleType);

  /**
   * Builds review_summary.
   *
   * @param factReviews fact_reviews ({@link FactReviews#TABLE})
   * @param reportingZone IANA zone in which reviews fall into months and quarters
   */
  public static Dataset<Row> build(Dataset<Row> factReviews, ZoneId reportingZone) {
    Map<String, Column> dimensions = new LinkedHashMap<>();
    dimensions.put(DIMENSION_PRODUCT, col(FactReviews.PRODUCT_ID));
    // SPEC: "a review without a product counts in overall only", so not in its category either.
    dimensions.put(DIMENSION_CATEGORY,
        when(col(FactReviews.PRODUCT_ID).isNotNull(), col(FactReviews.CATEGORY)));
    Column rating = col(FactReviews.RATING);

    List<Column> aggregates = new ArrayList<>();
    aggregates.add(avg(rating).as(AVG_RATING));
    String[] ratingColumns = {RATING_1, RATING_2, RATING_3, RATING_4, RATING_5};
    for (int stars = 1; stars <= 5; stars++) {
      aggregates.add(countWhere(rating.equalTo(stars)).as(ratingColumns[stars - 1]));
    }
    aggregates.add(countWhere(rating.between(4, 5)).as(POSITIVE));
    aggregates.add(count(col(FactReviews.REPLIED_AT)).as(REPLIED));
    aggregates.add(avg(col(FactReviews.REPLY_HOURS)).as(AVG_REPLY_HOURS));

    Dataset<Row> counts = VoicePeriods.explodePeriods(
            VoicePeriods.explodeDimensions(factReviews, dimensions), col(FactReviews.CREATED_AT), reportingZone)
        .groupBy(PERIOD_TYPE, PERIOD_START, DIMENSION, DIMENSION_VALUE)
        .agg(count(lit(1)).as(REVIEWS), aggregates.toArray(Column[]::new));
    return SchemaProjection.project(counts
        .withColumn(POSITIVE_SHARE, col(POSITIVE).divide(col(REVIEWS)))
        .withColumn(WILSON_LOWER_BOUND, WILSON_LOW.apply(col(POSITIVE), col(REVIEWS)))
        .withColumn(REPLY_RATE, col(REPLIED).divide(col(REVIEWS))), TABLE.schema());
  }
}
