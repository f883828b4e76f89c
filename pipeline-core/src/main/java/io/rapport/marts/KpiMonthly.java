package io.rapport.marts;

import static io.rapport.schema.StagedSchemas.MONEY;
import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;

import io.rapport.intermediate.Orders;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.TableSpec;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * One row per calendar month of churn_monthly (first purchase month to the as-of month) for one
 * as-of date.
 *
 * <p>Sales columns come from fact_orders by order_month: orders = purchase orders;
 * active_customers = distinct customers with a purchase in the month; gross and net revenue sum
 * all orders of the month (a return is booked in the month of its order); avg_order_value =
 * net_revenue / orders; sales_growth_pct = 100 x (net - previous net) / |previous net|, null for
 * the first month or when the previous month's net is 0; repeat_purchase_rate = share of the
 * month's purchasing customers whose first purchase was before the month. new_customers,
 * retention_rate and churn_rate are copied from churn_monthly; nps, csat, avg_rating and
 * avg_reply_hours from the voice summary of the month (null without one).
 */
public final class KpiMonthly {
  private KpiMonthly() {}

  public static final String MONTH = ChurnMonthly.MONTH;
  public static final String NEW_CUSTOMERS = "new_customers";
  public static final String ACTIVE_CUSTOMERS = "active_customers";
  public static final String ORDERS = "orders";
  public static final String GROSS_REVENUE = "gross_revenue";
  public static final String NET_REVENUE = "net_revenue";
  public static final String AVG_ORDER_VALUE = "avg_order_value";
  public static final String SALES_GROWTH_PCT = "sales_growth_pct";
  public static final String REPEAT_PURCHASE_RATE = "repeat_purchase_rate";
  public static final String RETENTION_RATE = "retention_rate";
  public static final String CHURN_RATE = "churn_rate";
  public static final String NPS = "nps";
  public static final String CSAT = "csat";
  public static final String AVG_RATING = "avg_rating";
  public static final String AVG_REPLY_HOURS = "avg_reply_hours";

  public static final TableSpec TABLE = TableSpec.table("kpi_monthly")
      .grain("One row per calendar month of churn_monthly, for one as-of date.")
      .documentedIn("customer-tables.md")
      .builtBy(KpiMonthly.class)
      .column(MONTH, DateType, REQUIRED, "reporting zone", "first day of the month")
      .column(NEW_CUSTOMERS, LongType, REQUIRED, "customers", "first purchases in the month (from churn_monthly)")
      .column(ACTIVE_CUSTOMERS, LongType, REQUIRED, "customers", "distinct customers with a purchase in the month")
      .column(ORDERS, LongType, REQUIRED, "purchases", "purchase orders in the month")
      .column(GROSS_REVENUE, MONEY, REQUIRED, "money", "gross_amount of the month's orders")
      .column(NET_REVENUE, MONEY, REQUIRED, "money", "net_amount of the month's orders (returns-only orders included)")
      .column(AVG_ORDER_VALUE, MONEY, NULLABLE, "money", "net_revenue / orders; null when orders is 0")
      .column(SALES_GROWTH_PCT, DoubleType, NULLABLE, "percent", "100 x (net_revenue - previous month's) / abs(previous month's); null for the first month or when the previous month is 0")
      .column(REPEAT_PURCHASE_RATE, DoubleType, NULLABLE, "share", "the month's buyers who had purchased before the month / active_customers; null when there are no buyers")
      .column(RETENTION_RATE, DoubleType, NULLABLE, "share", "from churn_monthly")
      .column(CHURN_RATE, DoubleType, NULLABLE, "share", "from churn_monthly")
      .column(NPS, DoubleType, NULLABLE, "-100..100", "NPS of the month's responses (voice summary); null without one")
      .column(CSAT, DoubleType, NULLABLE, "0..100", "CSAT of the month (share scoring 4-5, x 100)")
      .column(AVG_RATING, DoubleType, NULLABLE, "1..5", "mean review rating of the month")
      .column(AVG_REPLY_HOURS, DoubleType, NULLABLE, "hours", "mean hours from review to reply in the month")
      .key(MONTH)
      .build();

  private static final String PURCHASES = "__purchases";
  private static final String FIRST_SEQ = "__first_seq_in_month";
  private static final String REPEATERS = "__repeat_customers";

  /**
   * Builds kpi_monthly.
   *
   * @param factOrders fact_orders ({@link FactOrders#TABLE}); orders after {@code asOf} are ignored
   * @param churnMonthly churn_monthly ({@link ChurnMonthly#TABLE}) of the same as-of date; its months are the rows
   * @param voiceMonthly month, nps, csat, avg_rating, avg_reply_hours; null when there is no voice data
   */
  public static Dataset<Row> build(
      Dataset<Row> factOrders, Dataset<Row> churnMonthly, Dataset<Row> voiceMonthly, LocalDate asOf) {
    Column asOfDate = lit(asOf.toString()).cast(DateType);
    Column purchase = col(Orders.IS_PURCHASE);

    // Customer x month first, so "purchased before this month" = lowest purchase number in the month > 1.
    Dataset<Row> sales = factOrders
        .filter(col(Orders.ORDER_DATE).leq(asOfDate))
        .groupBy(col(Orders.ORDER_MONTH).as(MONTH), col(Orders.CUSTOMER_ID))
        .agg(count(when(purchase, lit(1))).as(PURCHASES),
            min(col(FactOrders.CUSTOMER_ORDER_SEQ)).as(FIRST_SEQ),
            sum(col(Orders.GROSS_AMOUNT)).as(GROSS_REVENUE),
            sum(col(Orders.NET_AMOUNT)).as(NET_REVENUE))
        .groupBy(col(MONTH))
        .agg(sum(col(PURCHASES)).as(ORDERS),
            count(when(col(PURCHASES).gt(0), lit(1))).as(ACTIVE_CUSTOMERS),
            count(when(col(FIRST_SEQ).gt(1), lit(1))).as(REPEATERS),
            sum(col(GROSS_REVENUE)).as(GROSS_REVENUE),
            sum(col(NET_REVENUE)).as(NET_REVENUE));

    Column zero = lit(0).cast(MONEY);
    Dataset<Row> kpis = churnMonthly
        .select(col(ChurnMonthly.MONTH), col(ChurnMonthly.NEW_CUSTOMERS),
            col(ChurnMonthly.RETENTION_RATE), col(ChurnMonthly.CHURN_RATE))
        .join(sales, new String[] {MONTH}, "left")
        .withColumn(ORDERS, coalesce(col(ORDERS), lit(0L)))
        .withColumn(ACTIVE_CUSTOMERS, coalesce(col(ACTIVE_CUSTOMERS), lit(0L)))
        .withColumn(GROSS_REVENUE, coalesce(col(GROSS_REVENUE), zero))
        .withColumn(NET_REVENUE, coalesce(col(NET_REVENUE), zero))
        .withColumn(AVG_ORDER_VALUE, when(col(ORDERS).gt(0), col(NET_REVENUE).cast(MONEY).divide(col(ORDERS))))
        .withColumn(REPEAT_PURCHASE_RATE, when(col(ACTIVE_CUSTOMERS).gt(0),
            coalesce(col(REPEATERS), lit(0L)).cast(DoubleType).divide(col(ACTIVE_CUSTOMERS))));

    // One row per month (hundreds at most): an unpartitioned lag is cheap here.
    Column previous = lag(col(NET_REVENUE), 1).over(Window.orderBy(col(MONTH))).cast(DoubleType);
    Column net = col(NET_REVENUE).cast(DoubleType);
    kpis = kpis.withColumn(SALES_GROWTH_PCT,
        when(previous.isNotNull().and(previous.notEqual(0.0)),
            net.minus(previous).multiply(100.0).divide(abs(previous))));

    if (voiceMonthly == null) {
      for (String c : new String[] {NPS, CSAT, AVG_RATING, AVG_REPLY_HOURS}) {
        kpis = kpis.withColumn(c, lit(null).cast(DoubleType));
      }
    } else {
      Dataset<Row> voice = voiceMonthly.select(col(MONTH).cast(DateType).as(MONTH),
          col(NPS).cast(DoubleType).as(NPS), col(CSAT).cast(DoubleType).as(CSAT),
          col(AVG_RATING).cast(DoubleType).as(AVG_RATING),
          col(AVG_REPLY_HOURS).cast(DoubleType).as(AVG_REPLY_HOURS));
      kpis = kpis.join(voice, new String[] {MONTH}, "left");
    }
    return SchemaProjection.project(kpis, TABLE.schema());
  }
}
