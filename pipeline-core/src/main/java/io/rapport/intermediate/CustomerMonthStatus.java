package io.rapport.intermediate;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.schema.SchemaProjection;
import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The growth-accounting status of a customer in a month (SPEC 5, Lifecycle), built once per run
 * and read by customer_lifecycle_monthly and revenue_bridge_monthly: one row per customer (every
 * customer id with an order, purchases or not) and month with orders in the month or the month
 * before, from the first purchase month of anyone to the as-of month. Sparse: a customer's quiet
 * months produce no row, so the frame grows with orders, not with customers x months.
 *
 * <p>customer_monthly computes the same statuses another way (a dense grid with a lag), so the
 * quality gate's comparison of the two is a real check.
 */
public final class CustomerMonthStatus {
  private CustomerMonthStatus() {}

  public static final String CUSTOMER_ID = Orders.CUSTOMER_ID;
  public static final String MONTH = "month";
  public static final String NET_REVENUE = "net_revenue";
  public static final String PREVIOUS_NET_REVENUE = "previous_net_revenue";
  public static final String IS_ACTIVE = "is_active";
  public static final String WAS_ACTIVE_PREVIOUS_MONTH = "was_active_previous_month";
  public static final String STATUS = "lifecycle_status";
  public static final String COHORT_MONTH = CustomerLifetimes.COHORT_MONTH;
  public static final String ACQUISITION_CHANNEL = CustomerLifetimes.ACQUISITION_CHANNEL;
  public static final String ACQUISITION_COUNTRY = CustomerLifetimes.ACQUISITION_COUNTRY;

  /** Columns of {@link #customerMonths}: purchase orders and net amount of all orders in the month. */
  public static final String PURCHASES = "__purchases";
  public static final String NET = "__net";

  public static final String NEW = "new";
  public static final String RETURNING = "returning";
  public static final String RESURRECTED = "resurrected";
  public static final String DORMANT = "dormant";
  /** No purchase in the month nor the month before (customer_monthly's word for it). */
  public static final String INACTIVE = "inactive";

  public static final TableSpec TABLE = TableSpec.intermediate("customer_month_status")
      .grain("One row per customer id with an order and month with orders in the month or the month before, "
          + "from the first purchase month of any customer to the as-of month.")
      .notes("Sparse: a customer's months without orders in them or the month before have no row. Read by "
          + "customer_lifecycle_monthly and revenue_bridge_monthly; customer_monthly computes the same statuses "
          + "on its dense grid, and the quality gate compares the two. A customer id without a purchase (returns "
          + "only) is always inactive and has no cohort or acquisition values.")
      .documentedIn("growth-tables.md")
      .builtBy(CustomerMonthStatus.class)
      .column(CUSTOMER_ID, StringType, REQUIRED, "", "customer key (any customer id with an order)")
      .column(MONTH, DateType, REQUIRED, "reporting zone", "first day of the month")
      .column(NET_REVENUE, StagedSchemas.MONEY, REQUIRED, "money", "net_amount of all the customer's orders in the month (0 without any)")
      .column(PREVIOUS_NET_REVENUE, StagedSchemas.MONEY, REQUIRED, "money", "net_amount of all the customer's orders in the month before (0 without any)")
      .column(IS_ACTIVE, BooleanType, REQUIRED, "", "at least one purchase in the month")
      .column(WAS_ACTIVE_PREVIOUS_MONTH, BooleanType, REQUIRED, "", "at least one purchase in the month before")
      .column(STATUS, StringType, REQUIRED, "", "new / returning / resurrected / dormant / inactive (as in customer_monthly)")
      .column(COHORT_MONTH, DateType, NULLABLE, "reporting zone", "month of the customer's first purchase; null without a purchase")
      .column(ACQUISITION_CHANNEL, StringType, NULLABLE, "",
          "channel of the customer's first purchase order (`unknown` when it has none); null without a purchase")
      .column(ACQUISITION_COUNTRY, StringType, NULLABLE, "",
          "country of the customer's first purchase order (`unknown` when it has none); null without a purchase")
      .key(CUSTOMER_ID, MONTH)
      .build();

  /** Months are reporting-zone months: fact_orders' order_month already is. */
  public static Column asOfMonth(LocalDate asOf) {
    return trunc(lit(asOf.toString()).cast(DateType), "month");
  }

  /**
   * One row per customer id and order month up to the as-of date: {@link #PURCHASES} and {@link #NET}.
   * Partitioned by customer id alone, so what follows per customer (or per customer and month:
   * aggregates, joins with customer_lifetimes, windows) reuses this one shuffle of narrow rows.
   */
  public static Dataset<Row> customerMonths(Dataset<Row> factOrders, LocalDate asOf) {
    return factOrders
        .filter(col(Orders.ORDER_DATE).leq(lit(asOf.toString()).cast(DateType)))
        .select(col(Orders.CUSTOMER_ID), col(Orders.ORDER_MONTH).as(MONTH), col(Orders.IS_PURCHASE),
            col(Orders.NET_AMOUNT))
        .repartition(col(CUSTOMER_ID))
        .groupBy(col(CUSTOMER_ID), col(MONTH))
        .agg(count(when(col(Orders.IS_PURCHASE), lit(1))).as(PURCHASES), sum(col(Orders.NET_AMOUNT)).as(NET));
  }

  /** Every month from the first purchase month (of any customer) to the as-of month; empty without purchases. */
  public static Dataset<Row> months(Dataset<Row> lifetimes, LocalDate asOf) {
    return lifetimes
        .agg(min(col(CustomerLifetimes.COHORT_MONTH)).as("__first"))
        .filter(col("__first").isNotNull())
        .select(explode(sequence(col("__first"), asOfMonth(asOf), expr("interval 1 month"))).as(MONTH));
  }

  /**
   * Builds customer_month_status.
   *
   * @param factOrders fact_orders; orders after {@code asOf} are ignored
   * @param lifetimes customer_lifetimes ({@link CustomerLifetimes#TABLE}) of the same as-of date
   */
  public static Dataset<Row> build(Dataset<Row> factOrders, Dataset<Row> lifetimes, LocalDate asOf) {
    // customerMonths' shuffle by customer is the only one: the aggregate by (customer, month)
    // and the join with the customers reuse it (there were three).
    Dataset<Row> byMonth = customerMonths(factOrders, asOf);
    Column zero = lit(0).cast(StagedSchemas.MONEY);
    // Each customer-month counts in its own month and, shifted, as "the month before" of the next.
    Column now = struct(col(MONTH).as(MONTH), col(NET).as(NET_REVENUE), zero.as(PREVIOUS_NET_REVENUE),
        col(PURCHASES).gt(0).as(IS_ACTIVE), lit(false).as(WAS_ACTIVE_PREVIOUS_MONTH));
    Column next = struct(add_months(col(MONTH), 1).as(MONTH), zero.as(NET_REVENUE), col(NET).as(PREVIOUS_NET_REVENUE),
        lit(false).as(IS_ACTIVE), col(PURCHASES).gt(0).as(WAS_ACTIVE_PREVIOUS_MONTH));
    Dataset<Row> bounds = lifetimes.agg(min(col(CustomerLifetimes.COHORT_MONTH)).as("__first"));
    Dataset<Row> touched = byMonth
        .select(col(CUSTOMER_ID), explode(array(now, next)).as("__m"))
        .select(col(CUSTOMER_ID), col("__m.*"))
        .groupBy(col(CUSTOMER_ID), col(MONTH))
        .agg(sum(col(NET_REVENUE)).as(NET_REVENUE), sum(col(PREVIOUS_NET_REVENUE)).as(PREVIOUS_NET_REVENUE),
            max(col(IS_ACTIVE)).as(IS_ACTIVE), max(col(WAS_ACTIVE_PREVIOUS_MONTH)).as(WAS_ACTIVE_PREVIOUS_MONTH))
        .crossJoin(bounds)
        .filter(col(MONTH).geq(col("__first")).and(col(MONTH).leq(asOfMonth(asOf))))
        .drop("__first");
    Dataset<Row> customers = lifetimes.select(col(CustomerLifetimes.CUSTOMER_ID).as(CUSTOMER_ID),
        col(CustomerLifetimes.COHORT_MONTH), col(CustomerLifetimes.ACQUISITION_CHANNEL),
        col(CustomerLifetimes.ACQUISITION_COUNTRY));
    Dataset<Row> statuses = touched
        .join(customers, new String[] {CUSTOMER_ID}, "left")
        .withColumn(STATUS, status(col(IS_ACTIVE), col(WAS_ACTIVE_PREVIOUS_MONTH), col(MONTH), col(COHORT_MONTH)));
    return SchemaProjection.project(statuses, TABLE.schema());
  }

  /**
   * SPEC 5: new = first purchase in m; returning = active in m and m-1; resurrected = active in m,
   * not in m-1, and active before; dormant = active in m-1, not in m; otherwise inactive. Active
   * in m but not in its cohort month and not in m-1 implies an earlier active month (the cohort's).
   */
  public static Column status(Column active, Column activeBefore, Column month, Column cohortMonth) {
    return when(active.and(month.equalTo(cohortMonth)), lit(NEW))
        .when(active.and(activeBefore), lit(RETURNING))
        .when(active, lit(RESURRECTED))
        .when(activeBefore, lit(DORMANT))
        .otherwise(lit(INACTIVE));
  }
}
