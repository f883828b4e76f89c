package io.rapport.marts;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;

import io.rapport.intermediate.CustomerLifetimes;
import io.rapport.intermediate.Orders;
import io.rapport.schema.StagedSchemas;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The growth-accounting status of a customer in a month (SPEC 5, Lifecycle), shared by
 * customer_lifecycle_monthly and revenue_bridge_monthly: one row per customer (every customer id
 * with an order, purchases or not) and month with orders in the month or the month before, from
 * the first purchase month of anyone to the as-of month. Sparse: a customer's quiet months
 * produce no row, so the frame grows with orders, not with customers x months.
 *
 * <p>customer_monthly computes the same statuses another way (a dense grid with a lag), so the
 * quality gate's comparison of the two is a real check.
 */
final class CustomerMonthStatus {
  private CustomerMonthStatus() {}

  static final String CUSTOMER_ID = Orders.CUSTOMER_ID;
  static final String MONTH = "month";
  /** Net amount of the customer's orders in the month (all orders, returns-only included). */
  static final String CURRENT = "__current_net";
  /** Net amount of the customer's orders in the month before. */
  static final String PREVIOUS = "__previous_net";
  static final String ACTIVE = "__active";
  static final String ACTIVE_BEFORE = "__active_before";
  static final String STATUS = "lifecycle_status";
  static final String PURCHASES = "__purchases";
  static final String NET = "__net";

  static final String NEW = "new";
  static final String RETURNING = "returning";
  static final String RESURRECTED = "resurrected";
  static final String DORMANT = "dormant";
  /** No purchase in the month nor the month before (customer_monthly's word for it). */
  static final String INACTIVE = "inactive";

  /** Months are reporting-zone months: fact_orders' order_month already is. */
  static Column asOfMonth(LocalDate asOf) {
    return trunc(lit(asOf.toString()).cast(DateType), "month");
  }

  /** One row per customer id and order month up to the as-of date: purchases and net amount. */
  static Dataset<Row> customerMonths(Dataset<Row> factOrders, LocalDate asOf) {
    return factOrders
        .filter(col(Orders.ORDER_DATE).leq(lit(asOf.toString()).cast(DateType)))
        .groupBy(col(Orders.CUSTOMER_ID), col(Orders.ORDER_MONTH).as(MONTH))
        .agg(count(when(col(Orders.IS_PURCHASE), lit(1))).as(PURCHASES), sum(col(Orders.NET_AMOUNT)).as(NET));
  }

  /** Every month from the first purchase month (of any customer) to the as-of month; empty without purchases. */
  static Dataset<Row> months(Dataset<Row> lifetimes, LocalDate asOf) {
    return lifetimes
        .agg(min(col(CustomerLifetimes.COHORT_MONTH)).as("__first"))
        .filter(col("__first").isNotNull())
        .select(explode(sequence(col("__first"), asOfMonth(asOf), expr("interval 1 month"))).as(MONTH));
  }

  /**
   * The statuses: customer_id, month, CURRENT, PREVIOUS, ACTIVE, ACTIVE_BEFORE, STATUS and the
   * customer's acquisition_channel / acquisition_country / cohort_month (null for an id without
   * a purchase, whose status is then always {@link #INACTIVE}).
   */
  static Dataset<Row> build(Dataset<Row> factOrders, Dataset<Row> lifetimes, LocalDate asOf) {
    Dataset<Row> byMonth = customerMonths(factOrders, asOf);
    Column zero = lit(0).cast(StagedSchemas.MONEY);
    // Each customer-month counts in its own month and, shifted, as "the month before" of the next.
    Dataset<Row> now = byMonth.select(col(CUSTOMER_ID), col(MONTH), col(NET).as(CURRENT), zero.as(PREVIOUS),
        col(PURCHASES).gt(0).as(ACTIVE), lit(false).as(ACTIVE_BEFORE));
    Dataset<Row> next = byMonth.select(col(CUSTOMER_ID), add_months(col(MONTH), 1).as(MONTH), zero.as(CURRENT),
        col(NET).as(PREVIOUS), lit(false).as(ACTIVE), col(PURCHASES).gt(0).as(ACTIVE_BEFORE));
    Dataset<Row> bounds = lifetimes.agg(min(col(CustomerLifetimes.COHORT_MONTH)).as("__first"));
    Dataset<Row> touched = now.unionByName(next)
        .groupBy(col(CUSTOMER_ID), col(MONTH))
        .agg(sum(col(CURRENT)).as(CURRENT), sum(col(PREVIOUS)).as(PREVIOUS),
            max(col(ACTIVE)).as(ACTIVE), max(col(ACTIVE_BEFORE)).as(ACTIVE_BEFORE))
        .crossJoin(bounds)
        .filter(col(MONTH).geq(col("__first")).and(col(MONTH).leq(asOfMonth(asOf))))
        .drop("__first");
    Dataset<Row> customers = lifetimes.select(col(CustomerLifetimes.CUSTOMER_ID).as(CUSTOMER_ID),
        col(CustomerLifetimes.COHORT_MONTH), col(CustomerLifetimes.ACQUISITION_CHANNEL),
        col(CustomerLifetimes.ACQUISITION_COUNTRY));
    return touched
        .join(customers, new String[] {CUSTOMER_ID}, "left")
        .withColumn(STATUS, status(col(ACTIVE), col(ACTIVE_BEFORE), col(MONTH), col(CustomerLifetimes.COHORT_MONTH)));
  }

  /**
   * SPEC 5: new = first purchase in m; returning = active in m and m-1; resurrected = active in m,
   * not in m-1, and active before; dormant = active in m-1, not in m; otherwise inactive. Active
   * in m but not in its cohort month and not in m-1 implies an earlier active month (the cohort's).
   */
  static Column status(Column active, Column activeBefore, Column month, Column cohortMonth) {
    return when(active.and(month.equalTo(cohortMonth)), lit(NEW))
        .when(active.and(activeBefore), lit(RETURNING))
        .when(active, lit(RESURRECTED))
        .when(activeBefore, lit(DORMANT))
        .otherwise(lit(INACTIVE));
  }

  static Column counted(String status) {
    return coalesce(sum(when(col(STATUS).equalTo(status), lit(1L)).otherwise(lit(0L))), lit(0L));
  }
}
