package io.rapport.marts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
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
 * One row per review up to the as-of date: the staged review, its reporting-zone date, its reply
 * delay in hours, and its customer resolved through the order when the review names none.
 */
public final class FactReviews {
  private FactReviews() {}

  public static final String TABLE = "fact_reviews";

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

  public static final StructType SCHEMA = new StructType()
      .add(REVIEW_ID, StringType, false)
      .add(CUSTOMER_ID, StringType, true)
      .add(ORDER_ID, StringType, true)
      .add(PRODUCT_ID, StringType, true)
      .add(CATEGORY, StringType, true)
      .add(RATING, IntegerType, false)
      .add(TITLE, StringType, true)
      .add(TEXT, StringType, true)
      .add(CREATED_AT, TimestampType, false)
      .add(CREATED_DATE, DateType, false)
      .add(REPLIED_AT, TimestampType, true)
      .add(REPLY_HOURS, DoubleType, true)
      .add(CUSTOMER_ID_RESOLVED_FROM_ORDER, BooleanType, false);

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
  public static Dataset<Row> build(Dataset<Row> stagedReviews, Dataset<Row> factOrders, String reportingZone) {
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
        .withColumn(CREATED_DATE, to_date(from_utc_timestamp(col(CREATED_AT), reportingZone)))
        .withColumn(REPLY_HOURS, replyHours), SCHEMA);
  }

}
