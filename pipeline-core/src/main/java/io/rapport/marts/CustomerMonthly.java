package io.rapport.marts;

import static io.rapport.schema.StagedSchemas.MONEY;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.intermediate.CustomerLifetimes;
import io.rapport.intermediate.CustomerMonthStatus;
import io.rapport.schema.Check;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.TableSpec;
import java.time.LocalDate;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The customer x month grid (SPEC 5, customer_monthly; dbt_shopify's customer-month table): one
 * row per customer with a purchase and month from the cohort month to the as-of month, months
 * without orders included, for LTV curves and lifecycle drill-downs.
 *
 * <p>orders = purchase orders (as customer_facts.orders); net_revenue = net amount of all the
 * customer's orders in the month; cumulative_net_revenue = every order up to the month's end,
 * returns-only orders before the cohort month included, so the as-of month's value equals
 * customer_facts.net_revenue. lifecycle_status is computed on the grid (the previous row of the
 * customer), independently of the sparse statuses behind customer_lifecycle_monthly, and the
 * quality gate compares the two.
 */
public final class CustomerMonthly {
  private CustomerMonthly() {}

  public static final String CUSTOMER_ID = CustomerLifetimes.CUSTOMER_ID;
  public static final String MONTH = CustomerMonthStatus.MONTH;
  public static final String PERIOD_NUMBER = "period_number";
  public static final String ORDERS = "orders";
  public static final String NET_REVENUE = "net_revenue";
  public static final String CUMULATIVE_NET_REVENUE = "cumulative_net_revenue";
  public static final String IS_ACTIVE = "is_active";
  public static final String LIFECYCLE_STATUS = CustomerMonthStatus.STATUS;
  public static final String ACQUISITION_CHANNEL = CustomerLifetimes.ACQUISITION_CHANNEL;
  public static final String COHORT_MONTH = CustomerLifetimes.COHORT_MONTH;

  public static final TableSpec TABLE = TableSpec.table("customer_monthly")
      .grain("One row per customer with a purchase and calendar month from the cohort month to the as-of month, for one as-of date.")
      .notes("Months without orders are included. cumulative_net_revenue counts every order up to the month's end "
          + "(returns-only orders before the cohort month too), so at the as-of month it equals customer_facts.net_revenue. "
          + "lifecycle_status: new (cohort month), returning, resurrected, dormant (as in customer_lifecycle_monthly), "
          + "or inactive (no purchase in the month nor the month before).")
      .documentedIn("growth-tables.md")
      .builtBy(CustomerMonthly.class)
      .column(CUSTOMER_ID, StringType, REQUIRED, "", "customer key")
      .column(MONTH, DateType, REQUIRED, "reporting zone", "first day of the month")
      .column(PERIOD_NUMBER, IntegerType, REQUIRED, "months", "months after the cohort month (0 = the cohort month)")
      .column(ORDERS, LongType, REQUIRED, "purchases", "purchase orders in the month (as customer_facts.orders)")
      .column(NET_REVENUE, MONEY, REQUIRED, "money", "net_amount of all the customer's orders in the month (returns-only orders included)")
      .column(CUMULATIVE_NET_REVENUE, MONEY, REQUIRED, "money", "net_amount of all the customer's orders up to the end of the month")
      .column(IS_ACTIVE, BooleanType, REQUIRED, "", "at least one purchase in the month")
      .column(LIFECYCLE_STATUS, StringType, REQUIRED, "", "new / returning / resurrected / dormant / inactive")
      .column(ACQUISITION_CHANNEL, StringType, REQUIRED, "", "channel of the customer's first purchase order; `unknown` when it has none")
      .column(COHORT_MONTH, DateType, REQUIRED, "reporting zone", "month of the customer's first purchase")
      .key(CUSTOMER_ID, MONTH)
      .check(Check.rule("active_means_orders", "is_active exactly when orders > 0",
          col(IS_ACTIVE).equalTo(col(ORDERS).gt(0))))
      .check(Check.rule("status_is_known_and_consistent",
          "lifecycle_status is new in period 0 only; new, returning and resurrected are active; dormant and inactive are not",
          col(LIFECYCLE_STATUS).equalTo(CustomerMonthStatus.NEW).equalTo(col(PERIOD_NUMBER).equalTo(0))
              .and(when(col(LIFECYCLE_STATUS).isin(CustomerMonthStatus.NEW, CustomerMonthStatus.RETURNING,
                  CustomerMonthStatus.RESURRECTED), col(IS_ACTIVE))
                  .when(col(LIFECYCLE_STATUS).isin(CustomerMonthStatus.DORMANT, CustomerMonthStatus.INACTIVE),
                      not(col(IS_ACTIVE)))
                  .otherwise(lit(false)))))
      .check(Check.reconcile("counts_match_lifecycle",
          "per month, the customers by lifecycle_status equal customer_lifecycle_monthly's overall new, returning, "
              + "resurrected and dormant counts",
          CustomerMonthly::countsDifferingFromLifecycle))
      .check(Check.reconcile("cumulative_at_as_of_matches_customer_facts",
          "cumulative_net_revenue of the as-of month equals customer_facts.net_revenue for every customer "
              + "(a customer missing on one side counts)",
          CustomerMonthly::cumulativeDifferingFromCustomerFacts))
      .build();

  private static final String BY_MONTH = "__by_month";
  private static final String FIRST_MONTH = "__first_month";
  private static final String OFFSET = "__offset";
  private static final String MONTH_ORDERS = "__orders";

  /**
   * Builds customer_monthly.
   *
   * @param factOrders fact_orders ({@link FactOrders#TABLE}); orders after {@code asOf} are ignored
   * @param lifetimes customer_lifetimes ({@link CustomerLifetimes#TABLE}) of the same as-of date
   */
  public static Dataset<Row> build(Dataset<Row> factOrders, Dataset<Row> lifetimes, LocalDate asOf) {
    Dataset<Row> customers = lifetimes.filter(col(COHORT_MONTH).isNotNull())
        .select(col(CustomerLifetimes.CUSTOMER_ID), col(COHORT_MONTH), col(ACQUISITION_CHANNEL))
        // Partitioned by customer explicitly: a broadcast join keeps this side's partitioning,
        // which the window below then reuses (a sort-merge join needs it anyway).
        .repartition(col(CustomerLifetimes.CUSTOMER_ID));
    // The customer's order months as a map, per customer: customerMonths is partitioned by
    // customer, so this aggregate, the join with the customers and the window below shuffle
    // nothing more than the customers (the dense grid itself is never shuffled).
    Dataset<Row> ordersByMonth = CustomerMonthStatus.customerMonths(factOrders, asOf)
        .groupBy(col(CUSTOMER_ID))
        .agg(min(col(MONTH)).as(FIRST_MONTH), map_from_entries(collect_list(struct(col(MONTH),
            struct(col(CustomerMonthStatus.PURCHASES), col(CustomerMonthStatus.NET))))).as(BY_MONTH));

    // Dense grid per customer, built on the executors. It starts at the first order month when
    // returns-only orders precede the cohort month, so that the running sum counts them; those
    // months are dropped after the window (no purchase before the cohort month, by definition).
    Column asOfMonth = CustomerMonthStatus.asOfMonth(asOf);
    Column firstMonth = least(col(FIRST_MONTH), col(COHORT_MONTH));
    Column lastOffset = months_between(asOfMonth, firstMonth).cast(IntegerType);
    Dataset<Row> grid = customers
        .join(ordersByMonth, new String[] {CUSTOMER_ID}, "left")
        .withColumn(OFFSET, explode(sequence(lit(0), lastOffset)))
        .withColumn(MONTH, add_months(firstMonth, col(OFFSET)))
        .withColumn(MONTH_ORDERS, element_at(col(BY_MONTH), col(MONTH)))
        .drop(BY_MONTH, FIRST_MONTH, OFFSET);

    Column zero = lit(0).cast(MONEY);
    WindowSpec ofCustomer = Window.partitionBy(col(CUSTOMER_ID)).orderBy(col(MONTH));
    WindowSpec upToMonth = ofCustomer.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> monthly = grid
        .withColumn(ORDERS, coalesce(col(MONTH_ORDERS + "." + CustomerMonthStatus.PURCHASES), lit(0L)))
        .withColumn(NET_REVENUE, coalesce(col(MONTH_ORDERS + "." + CustomerMonthStatus.NET), zero))
        .withColumn(IS_ACTIVE, col(ORDERS).gt(0))
        .withColumn(CUMULATIVE_NET_REVENUE, sum(col(NET_REVENUE)).over(upToMonth))
        .withColumn("__active_before", coalesce(lag(col(IS_ACTIVE), 1).over(ofCustomer), lit(false)))
        .filter(col(MONTH).geq(col(COHORT_MONTH)))
        .withColumn(PERIOD_NUMBER, months_between(col(MONTH), col(COHORT_MONTH)).cast(IntegerType))
        .withColumn(LIFECYCLE_STATUS, CustomerMonthStatus.status(col(IS_ACTIVE), col("__active_before"),
            col(MONTH), col(COHORT_MONTH)));
    return SchemaProjection.project(monthly, TABLE.schema());
  }

  /** Months where a status count of the grid differs from customer_lifecycle_monthly's overall row. */
  static Dataset<Row> countsDifferingFromLifecycle(Dataset<Row> monthly, Function<String, Dataset<Row>> tables) {
    Column status = col(LIFECYCLE_STATUS);
    Dataset<Row> grid = monthly.groupBy(col(MONTH))
        .agg(count(when(status.equalTo(CustomerMonthStatus.NEW), lit(1))).as("grid_new"),
            count(when(status.equalTo(CustomerMonthStatus.RETURNING), lit(1))).as("grid_returning"),
            count(when(status.equalTo(CustomerMonthStatus.RESURRECTED), lit(1))).as("grid_resurrected"),
            count(when(status.equalTo(CustomerMonthStatus.DORMANT), lit(1))).as("grid_dormant"));
    Dataset<Row> lifecycle = tables.apply(CustomerLifecycleMonthly.TABLE.name())
        .filter(col(CustomerLifecycleMonthly.DIMENSION).equalTo(CustomerLifecycleMonthly.OVERALL))
        .select(col(CustomerLifecycleMonthly.MONTH).as(MONTH),
            col(CustomerLifecycleMonthly.NEW_CUSTOMERS).as("lifecycle_new"),
            col(CustomerLifecycleMonthly.RETURNING_CUSTOMERS).as("lifecycle_returning"),
            col(CustomerLifecycleMonthly.RESURRECTED_CUSTOMERS).as("lifecycle_resurrected"),
            col(CustomerLifecycleMonthly.DORMANT_CUSTOMERS).as("lifecycle_dormant"));
    // The grid starts at the first cohort month too, so every month is on both sides.
    return grid.join(lifecycle, new String[] {MONTH}, "full_outer")
        .filter(not(col("grid_new").eqNullSafe(col("lifecycle_new")))
            .or(not(col("grid_returning").eqNullSafe(col("lifecycle_returning"))))
            .or(not(col("grid_resurrected").eqNullSafe(col("lifecycle_resurrected"))))
            .or(not(col("grid_dormant").eqNullSafe(col("lifecycle_dormant")))));
  }

  /** Customers whose as-of-month cumulative_net_revenue is not customer_facts.net_revenue. */
  static Dataset<Row> cumulativeDifferingFromCustomerFacts(Dataset<Row> monthly, Function<String, Dataset<Row>> tables) {
    Dataset<Row> last = monthly.groupBy(col(CUSTOMER_ID))
        .agg(max(org.apache.spark.sql.functions.struct(col(MONTH), col(CUMULATIVE_NET_REVENUE))).as("__last"))
        .select(col(CUSTOMER_ID), col("__last." + CUMULATIVE_NET_REVENUE).as("monthly_cumulative"));
    Dataset<Row> facts = tables.apply(CustomerFacts.TABLE.name())
        .select(col(CustomerFacts.CUSTOMER_ID).as(CUSTOMER_ID), col(CustomerFacts.NET_REVENUE).as("facts_net_revenue"));
    return last.join(facts, new String[] {CUSTOMER_ID}, "full_outer")
        .filter(not(col("monthly_cumulative").eqNullSafe(col("facts_net_revenue"))))
        .withColumn("difference", abs(coalesce(col("monthly_cumulative"), lit(0)).minus(coalesce(col("facts_net_revenue"), lit(0)))));
  }
}
