package io.rapport.marts;

import static io.rapport.schema.StagedSchemas.MONEY;
import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.rapport.intermediate.Orders;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.ZoneId;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * One row per order that has at least one line not cancelled (orders whose lines are all
 * cancelled are left out), for one as-of date.
 *
 * <p>Money follows SPEC 3: gross = sum of positive completed line amounts; refund = absolute sum
 * of lines with negative quantity or status {@code returned}; net = gross - refund; cancelled
 * lines count nowhere. An order is a <em>purchase</em> ({@link Orders#IS_PURCHASE}) when it has at least
 * one completed line of positive quantity, so a free order is a purchase and a returns-only order
 * is not. {@link #CUSTOMER_ORDER_SEQ} numbers a customer's purchases 1..n by order_ts then
 * order_id and is null for orders that are not purchases; {@link #IS_FIRST_ORDER} is true only for
 * purchase number 1. Calendar columns are in the reporting time zone.
 */
public final class FactOrders {
  private FactOrders() {}

  public static final String CUSTOMER_ORDER_SEQ = "customer_order_seq";
  public static final String IS_FIRST_ORDER = "is_first_order";

  public static final TableSpec TABLE = TableSpec.table("fact_orders")
      .grain("One row per order with at least one line not cancelled, for one as-of date.")
      .notes("Money follows SPEC 3: gross = sum of positive completed line amounts; refund = absolute sum of lines with negative quantity or status returned; net = gross - refund; cancelled lines count nowhere. An order is a purchase when it has at least one completed line of positive quantity, so a free order is a purchase and a returns-only order is not.")
      .documentedIn("customer-tables.md")
      .builtBy(FactOrders.class)
      .column(Orders.ORDER_ID, StringType, REQUIRED, "", "order key")
      .column(Orders.CUSTOMER_ID, StringType, REQUIRED, "", "the order's customer (smallest over lines, CM-03)")
      .column(Orders.ORDER_TS, TimestampType, REQUIRED, "UTC", "earliest timestamp among the order's lines that are not cancelled")
      .column(Orders.ORDER_DATE, DateType, REQUIRED, "reporting zone", "calendar day of order_ts")
      .column(Orders.ORDER_MONTH, DateType, REQUIRED, "reporting zone", "first day of order_date's month")
      .column(Orders.GROSS_AMOUNT, MONEY, REQUIRED, "money", "sum of line_amount over completed lines with quantity > 0")
      .column(Orders.REFUND_AMOUNT, MONEY, REQUIRED, "money", "sum of abs(line_amount) over lines with quantity < 0 or status returned")
      .column(Orders.NET_AMOUNT, MONEY, REQUIRED, "money", "gross_amount - refund_amount")
      .column(Orders.ITEMS, LongType, REQUIRED, "units", "sum of quantity over completed lines with quantity > 0")
      .column(CUSTOMER_ORDER_SEQ, LongType, NULLABLE, "", "1..n over the customer's purchases by order_ts, then order_id; null when not a purchase")
      .column(IS_FIRST_ORDER, BooleanType, REQUIRED, "", "customer_order_seq = 1 (false for non-purchases)")
      .column(Orders.CHANNEL, StringType, NULLABLE, "", "sales channel (smallest non-null over lines)")
      .column(Orders.COUNTRY, StringType, NULLABLE, "", "country (smallest non-null over lines)")
      .column(Orders.IS_PURCHASE, BooleanType, REQUIRED, "", "at least one completed line with quantity > 0 (a free order counts, returns only do not)")
      .column(Orders.LINES, LongType, REQUIRED, "", "number of lines that are not cancelled")
      .key(Orders.ORDER_ID)
      .build();

  /**
   * Builds fact_orders from staged purchase lines (schema {@link StagedSchemas#PURCHASES}, already
   * cut at the as-of date by staging).
   *
   * @param reportingZone IANA zone for order_date and order_month, e.g. {@code Europe/Berlin}
   */
  public static Dataset<Row> build(Dataset<Row> stagedPurchases, ZoneId reportingZone) {
    Dataset<Row> orders = Orders.build(stagedPurchases, reportingZone);
    // Partitioned by customer (and purchase flag), so the numbering scales with customers.
    WindowSpec purchasesOfCustomer = Window.partitionBy(col(Orders.CUSTOMER_ID), col(Orders.IS_PURCHASE))
        .orderBy(col(Orders.ORDER_TS), col(Orders.ORDER_ID));
    Dataset<Row> sequenced = orders
        .withColumn(CUSTOMER_ORDER_SEQ, when(col(Orders.IS_PURCHASE), row_number().over(purchasesOfCustomer)))
        .withColumn(IS_FIRST_ORDER, coalesce(col(CUSTOMER_ORDER_SEQ).equalTo(1), lit(false)));
    return SchemaProjection.project(sequenced, TABLE.schema());
  }
}
