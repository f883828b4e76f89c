package io.rapport.intermediate;

import static io.rapport.schema.StagedSchemas.MONEY;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.LongType;

import io.rapport.schema.StagedSchemas;
import java.time.ZoneId;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Orders from staged purchase lines: one row per order with at least one line not cancelled, with
 * its customer, time, calendar day and month (reporting zone), money and purchase flag. The
 * building block of fact_orders and of every customer-level table (through fact_orders, which
 * carries these columns).
 *
 * <p>Money follows SPEC 3: gross = sum of positive completed line amounts; refund = absolute sum
 * of lines with negative quantity or status {@code returned}; net = gross - refund; cancelled lines
 * count nowhere. An order is a <em>purchase</em> ({@link #IS_PURCHASE}) when it has at least one
 * completed line of positive quantity, so a free order is a purchase and a returns-only order is not.
 */
public final class Orders {
  private Orders() {}

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
  public static final String CHANNEL = StagedSchemas.CHANNEL;
  public static final String COUNTRY = StagedSchemas.COUNTRY;
  public static final String IS_PURCHASE = "is_purchase";
  public static final String LINES = "lines";

  /** The orders of staged purchase lines ({@link StagedSchemas#PURCHASES}, already cut at the as-of date). */
  public static Dataset<Row> build(Dataset<Row> stagedPurchases, ZoneId reportingZone) {
    Column quantity = col(StagedSchemas.QUANTITY);
    Column amount = col(StagedSchemas.LINE_AMOUNT);
    Column status = col(StagedSchemas.STATUS);
    Column saleLine = status.equalTo(StagedSchemas.STATUS_COMPLETED).and(quantity.gt(0));
    Column refundLine = quantity.lt(0).or(status.equalTo(StagedSchemas.STATUS_RETURNED));
    Column zero = lit(0).cast(MONEY);

    return stagedPurchases
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
        .withColumn(ORDER_DATE, ReportingCalendar.dayOf(col(ORDER_TS), reportingZone))
        .withColumn(ORDER_MONTH, trunc(col(ORDER_DATE), "month"));
  }
}
