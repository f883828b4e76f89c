package io.rapport.marts;

import static io.rapport.schema.StagedSchemas.MONEY;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.errors.ConfigurationException;
import io.rapport.schema.StagedSchemas;
import java.time.DateTimeException;
import java.time.ZoneId;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.StructType;

/**
 * One row per order that has at least one line not cancelled (orders whose lines are all
 * cancelled are left out), for one as-of date.
 *
 * <p>Money follows SPEC 3: gross = sum of positive completed line amounts; refund = absolute sum
 * of lines with negative quantity or status {@code returned}; net = gross - refund; cancelled
 * lines count nowhere. An order is a <em>purchase</em> ({@link #IS_PURCHASE}) when it has at least
 * one completed line of positive quantity, so a free order is a purchase and a returns-only order
 * is not. {@link #CUSTOMER_ORDER_SEQ} numbers a customer's purchases 1..n by order_ts then
 * order_id and is null for orders that are not purchases; {@link #IS_FIRST_ORDER} is true only for
 * purchase number 1. Calendar columns are in the reporting time zone.
 */
public final class FactOrders {
  private FactOrders() {}

  public static final String ORDER_ID = StagedSchemas.ORDER_ID;
  public static final String CUSTOMER_ID = StagedSchemas.CUSTOMER_ID;
  /** Earliest UTC timestamp among the order's counted (not cancelled) lines. */
  public static final String ORDER_TS = StagedSchemas.ORDER_TS;
  public static final String ORDER_DATE = "order_date";
  public static final String ORDER_MONTH = "order_month";
  public static final String GROSS_AMOUNT = "gross_amount";
  public static final String REFUND_AMOUNT = "refund_amount";
  public static final String NET_AMOUNT = "net_amount";
  public static final String ITEMS = "items";
  public static final String CUSTOMER_ORDER_SEQ = "customer_order_seq";
  public static final String IS_FIRST_ORDER = "is_first_order";
  public static final String CHANNEL = StagedSchemas.CHANNEL;
  public static final String COUNTRY = StagedSchemas.COUNTRY;
  public static final String IS_PURCHASE = "is_purchase";
  public static final String LINES = "lines";

  public static final StructType SCHEMA = new StructType()
      .add(ORDER_ID, StringType, false)
      .add(CUSTOMER_ID, StringType, false)
      .add(ORDER_TS, TimestampType, false)
      .add(ORDER_DATE, DateType, false)
      .add(ORDER_MONTH, DateType, false)
      .add(GROSS_AMOUNT, MONEY, false)
      .add(REFUND_AMOUNT, MONEY, false)
      .add(NET_AMOUNT, MONEY, false)
      .add(ITEMS, LongType, false)
      .add(CUSTOMER_ORDER_SEQ, LongType, true)
      .add(IS_FIRST_ORDER, BooleanType, false)
      .add(CHANNEL, StringType, true)
      .add(COUNTRY, StringType, true)
      .add(IS_PURCHASE, BooleanType, false)
      .add(LINES, LongType, false);

  /**
   * Builds fact_orders from staged purchase lines (schema {@link StagedSchemas#PURCHASES}, already
   * cut at the as-of date by staging).
   *
   * @param reportingZone IANA zone for order_date and order_month, e.g. {@code Europe/Berlin}
   */
  public static Dataset<Row> build(Dataset<Row> stagedPurchases, String reportingZone) {
    requireZone(reportingZone);
    Column quantity = col(StagedSchemas.QUANTITY);
    Column amount = col(StagedSchemas.LINE_AMOUNT);
    Column status = col(StagedSchemas.STATUS);
    Column saleLine = status.equalTo(StagedSchemas.STATUS_COMPLETED).and(quantity.gt(0));
    Column refundLine = quantity.lt(0).or(status.equalTo(StagedSchemas.STATUS_RETURNED));
    Column zero = lit(0).cast(MONEY);

    Dataset<Row> orders = stagedPurchases
        .filter(status.notEqual(StagedSchemas.STATUS_CANCELLED))
        .groupBy(col(ORDER_ID))
        .agg(
            // Lines of one order should agree on these; min() makes a disagreement deterministic.
            min(col(CUSTOMER_ID)).as(CUSTOMER_ID),
            min(col(ORDER_TS)).as(ORDER_TS),
            coalesce(sum(when(saleLine, amount)), zero).as(GROSS_AMOUNT),
            coalesce(sum(when(refundLine, abs(amount))), zero).as(REFUND_AMOUNT),
            coalesce(sum(when(saleLine, quantity.cast(LongType))), lit(0L)).as(ITEMS),
            max(when(saleLine, 1).otherwise(0)).equalTo(1).as(IS_PURCHASE),
            min(col(CHANNEL)).as(CHANNEL),
            min(col(COUNTRY)).as(COUNTRY),
            count(lit(1)).as(LINES))
        .withColumn(NET_AMOUNT, col(GROSS_AMOUNT).minus(col(REFUND_AMOUNT)))
        .withColumn(ORDER_DATE, to_date(from_utc_timestamp(col(ORDER_TS), reportingZone)))
        .withColumn(ORDER_MONTH, trunc(col(ORDER_DATE), "month"));

    // Partitioned by customer (and purchase flag), so the numbering scales with customers.
    WindowSpec purchasesOfCustomer = Window.partitionBy(col(CUSTOMER_ID), col(IS_PURCHASE))
        .orderBy(col(ORDER_TS), col(ORDER_ID));
    Dataset<Row> sequenced = orders
        .withColumn(CUSTOMER_ORDER_SEQ, when(col(IS_PURCHASE), row_number().over(purchasesOfCustomer)))
        .withColumn(IS_FIRST_ORDER, coalesce(col(CUSTOMER_ORDER_SEQ).equalTo(1), lit(false)));
    return SchemaProjection.project(sequenced, SCHEMA);
  }

  static void requireZone(String reportingZone) {
    try {
      ZoneId.of(reportingZone);
    } catch (DateTimeException | NullPointerException e) {
      throw new ConfigurationException(
          "Cannot build fact_orders: reporting.time-zone '" + reportingZone + "' is not an IANA zone id", e);
    }
  }
}
