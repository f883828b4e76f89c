package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.intermediate.ReportingCalendar;
import io.rapport.schema.Check;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.Severity;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.ZoneId;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One row per review up to the as-of date: the staged review, its reporting-zone date, its reply
 * delay in hours, and its customer resolved through the order when the review names none.
 */
public final class FactReviews {
  private FactReviews() {}


  public static final String REVIEW_ID = StagedSchemas.REVIEW_ID;
  public static final String CUSTOMER_ID = StagedSchemas.CUSTOMER_ID;
  public static final String ORDER_ID = StagedSchemas.ORDER_ID;
  public static final String PRODUCT_ID = StagedSchemas.PRODUCT_ID;
  public static final String CATEGORY = StagedSchemas.CATEGORY;
  public static final String RATING = StagedSchemas.RATING;
  public static final String TITLE = StagedSchemas.TITLE;
  public static final String TEXT = StagedSchemas.TEXT;
  public static final String CREATED_AT = StagedSchemas.CREATED_AT;
  /** Calendar day of created_at in the reporting zone. */
  public static final String CREATED_DATE = "created_date";
  public static final String REPLIED_AT = StagedSchemas.REPLIED_AT;
  /** (replied_at - created_at) in hours; null without a reply or when the reply precedes the review. */
  public static final String REPLY_HOURS = "reply_hours";
  /** True when customer_id was empty on the review and taken from the order in fact_orders. */
  public static final String CUSTOMER_ID_RESOLVED_FROM_ORDER = "customer_id_resolved_from_order";

  public static final TableSpec TABLE = TableSpec.table("fact_reviews")
      .grain("One row per review up to the as-of date, for one as-of date.")
      .documentedIn("voice-tables.md")
      .builtBy(FactReviews.class)
      .column(REVIEW_ID, StringType, REQUIRED, "", "Review identifier from the source (unique).")
      .column(CUSTOMER_ID, StringType, NULLABLE, "", "Reviewer: from the review, else the customer of `order_id` in fact_orders (V10); null when neither is known.")
      .column(ORDER_ID, StringType, NULLABLE, "", "Order reviewed (optional).")
      .column(PRODUCT_ID, StringType, NULLABLE, "", "Product reviewed (optional).")
      .column(CATEGORY, StringType, NULLABLE, "", "Product category (optional).")
      .column(RATING, IntegerType, REQUIRED, "stars", "1..5.")
      .column(TITLE, StringType, NULLABLE, "", "Review title (optional).")
      .column(TEXT, StringType, NULLABLE, "", "Review text (optional).")
      .column(CREATED_AT, TimestampType, REQUIRED, "UTC instant", "When the review was written.")
      .column(CREATED_DATE, DateType, REQUIRED, "reporting zone", "Calendar day of `created_at`.")
      .column(REPLIED_AT, TimestampType, NULLABLE, "UTC instant", "When the business answered; null without a reply.")
      .column(REPLY_HOURS, DoubleType, NULLABLE, "hours", "`replied_at - created_at`; null without a reply, and null when the reply is stamped before the review (V11).")
      .column(CUSTOMER_ID_RESOLVED_FROM_ORDER, BooleanType, REQUIRED, "", "True when `customer_id` was missing on the review and taken from its order.")
      .key(REVIEW_ID)
      .check(Check.rule("rating_in_range", "rating is within 1..5", col(RATING).between(1, 5)))
      // A reply stamped before its review is a source clock or mapping problem: reply_hours stays
      // null for it, the run goes on.
      .check(Check.rule("reply_not_before_review", Severity.WARNING, "replied_at is not before created_at",
          col(REPLIED_AT).isNull().or(col(REPLIED_AT).geq(col(CREATED_AT)))))
      .check(Check.rule("reply_hours_non_negative", "reply_hours is null or >= 0",
          col(REPLY_HOURS).isNull().or(col(REPLY_HOURS).geq(0))))
      .build();

  private static final String ORDER_CUSTOMER_ID = "_order_customer_id";
  private static final String ORDER_KEY = "_order_key";

  /**
   * Builds fact_reviews from staged reviews ({@link StagedSchemas#REVIEWS}) and fact_orders.
   *
   * <p>A review without customer_id takes the customer of its order when fact_orders knows the
   * order (left join on order_id; a review's own customer_id always wins). A reply stamped
   * before the review keeps replied_at but gets a null reply_hours; {@code VoiceChecks} warns
   * about it.
   *
   * @param stagedReviews staged reviews
   * @param factOrders fact_orders, at least order_id and customer_id, one row per order
   * @param reportingZone IANA zone for created_date
   */
  public static Dataset<Row> build(Dataset<Row> stagedReviews, Dataset<Row> factOrders, ZoneId reportingZone) {
    Dataset<Row> orderCustomers = factOrders.select(
        col(StagedSchemas.ORDER_ID).as(ORDER_KEY), col(StagedSchemas.CUSTOMER_ID).as(ORDER_CUSTOMER_ID));
    // Timestamps cast to double are epoch seconds with microsecond fractions.
    Column seconds = col(REPLIED_AT).cast(DoubleType).minus(col(CREATED_AT).cast(DoubleType));
    Column replyHours = when(col(REPLIED_AT).geq(col(CREATED_AT)), seconds.divide(3600.0));
    Dataset<Row> joined = stagedReviews
        .join(orderCustomers, col(ORDER_ID).equalTo(col(ORDER_KEY)), "left");
    return SchemaProjection.project(joined
        .withColumn(CUSTOMER_ID_RESOLVED_FROM_ORDER,
            col(CUSTOMER_ID).isNull().and(col(ORDER_CUSTOMER_ID).isNotNull()))
        .withColumn(CUSTOMER_ID, coalesce(col(CUSTOMER_ID), col(ORDER_CUSTOMER_ID)))
        .withColumn(CREATED_DATE, ReportingCalendar.dayOf(col(CREATED_AT), reportingZone))
        .withColumn(REPLY_HOURS, replyHours), TABLE.schema());
  }

}
