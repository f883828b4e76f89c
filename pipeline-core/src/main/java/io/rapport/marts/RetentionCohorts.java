package io.rapport.marts;

import static io.rapport.schema.StagedSchemas.MONEY;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;

import io.rapport.config.CohortGrain;
import io.rapport.config.RetentionMode;
import io.rapport.intermediate.CustomerLifetimes;
import io.rapport.intermediate.Orders;
import io.rapport.schema.Check;
import io.rapport.schema.SchemaProjection;
import io.rapport.schema.TableSpec;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * One row per cohort month (or week) and period number for one as-of date, every period from 0
 * up to the period holding the as-of date, empty periods included.
 *
 * <p>A customer's cohort is the period (month, or week starting on the configured day) of their
 * first purchase; period n is the n-th period after it. Built from a cohort x period spine
 * ({@code explode(sequence(0, n))}, dbt_shopify style) so that periods without purchases appear
 * with active_customers 0. Mode {@code on}: active = cohort customers with a purchase in the
 * period; mode {@code on_or_after}: with a purchase in the period or any later one up to the as-of
 * date. net_revenue = net of all the cohort customers' orders (returns-only orders included) in
 * the period; cumulative_net_revenue_per_customer = running sum of net_revenue over periods 0..n
 * divided by cohort_size. The as-of period has is_complete_period = false (SPEC 5), all earlier
 * periods true. With the weekly grain, {@code cohort_month} holds the cohort's week start.
 */
public final class RetentionCohorts {
  private RetentionCohorts() {}

  public static final String COHORT_MONTH = "cohort_month";
  public static final String PERIOD_NUMBER = "period_number";
  public static final String PERIOD_START = "period_start";
  public static final String COHORT_SIZE = "cohort_size";
  public static final String ACTIVE_CUSTOMERS = "active_customers";
  public static final String RETENTION_RATE = "retention_rate";
  public static final String NET_REVENUE = "net_revenue";
  public static final String CUMULATIVE_NET_REVENUE_PER_CUSTOMER = "cumulative_net_revenue_per_customer";
  public static final String IS_COMPLETE_PERIOD = "is_complete_period";


  public static final TableSpec TABLE = TableSpec.table("retention_cohorts")
      .grain("One row per cohort and period number, for one as-of date.")
      .notes("Periods run from 0 up to the period that holds the as-of date, and empty periods are included. Options: retention.mode (on / on_or_after), retention.grain (month / week), reporting.week-start. With the weekly grain, cohort_month holds the cohort's week start.")
      .documentedIn("customer-tables.md")
      .builtBy(RetentionCohorts.class)
      .column(COHORT_MONTH, DateType, REQUIRED, "reporting zone", "first day of the month (or week) of the cohort's first purchase")
      .column(PERIOD_NUMBER, IntegerType, REQUIRED, "periods", "whole months (or weeks) after the cohort period; 0 = the cohort period")
      .column(PERIOD_START, DateType, REQUIRED, "reporting zone", "first day of the period")
      .column(COHORT_SIZE, LongType, REQUIRED, "customers", "customers in the cohort")
      .column(ACTIVE_CUSTOMERS, LongType, REQUIRED, "customers", "mode on: cohort customers with a purchase in the period; mode on_or_after: with a purchase in the period or any later one up to the as-of date")
      .column(RETENTION_RATE, DoubleType, REQUIRED, "share", "active_customers / cohort_size")
      .column(NET_REVENUE, MONEY, REQUIRED, "money", "net_amount of all the cohort's orders dated in the period")
      .column(CUMULATIVE_NET_REVENUE_PER_CUSTOMER, MONEY, REQUIRED, "money", "net_revenue summed over periods 0..n, / cohort_size")
      .column(IS_COMPLETE_PERIOD, BooleanType, REQUIRED, "", "false for the period holding the as-of date, true before it")
      .key(COHORT_MONTH, PERIOD_NUMBER)
      .check(Check.rule("period_0_retention_is_1", "period 0 retention_rate is 1 for every cohort",
          col(PERIOD_NUMBER).notEqual(0).or(col(ACTIVE_CUSTOMERS).equalTo(col(COHORT_SIZE))
              .and(abs(col(RETENTION_RATE).minus(1.0)).leq(1e-9)))))
      .check(Check.reconcile("cohort_sizes_match_customer_facts",
          "sum of period-0 cohort_size equals the customers in customer_facts",
          RetentionCohorts::cohortSizesDifferingFromCustomers, sum(col("difference"))))
      .build();

  private static final String LAST_PERIOD = "__last_period";
  private static final String CUSTOMERS = "__customers";

  /**
   * Builds retention_cohorts from fact_orders ({@link FactOrders#TABLE}); orders after
   * {@code asOf} are ignored.
   *
   * @param weekStart first day of a week (weekly grain only)
   */
  public static Dataset<Row> build(
      Dataset<Row> factOrders, LocalDate asOf, RetentionMode mode, CohortGrain grain, DayOfWeek weekStart) {
    return build(factOrders, CustomerLifetimes.build(factOrders, asOf), asOf, mode, grain, weekStart);
  }

  /** Builds retention_cohorts with each customer's cohort from their lifetime ({@link CustomerLifetimes#TABLE}). */
  public static Dataset<Row> build(Dataset<Row> factOrders, Dataset<Row> lifetimes, LocalDate asOf,
      RetentionMode mode, CohortGrain grain, DayOfWeek weekStart) {
    Column asOfDate = lit(asOf.toString()).cast(DateType);

    Dataset<Row> orders = factOrders.filter(col(Orders.ORDER_DATE).leq(asOfDate));
    Dataset<Row> cohortOfCustomer = lifetimes.select(col(CustomerLifetimes.CUSTOMER_ID).as(Orders.CUSTOMER_ID),
        periodStart(col(CustomerLifetimes.FIRST_PURCHASE_DATE), grain, weekStart).as(COHORT_MONTH));

    // Cohort x period spine, periods 0..(as-of period), built lazily on the executors.
    Column lastPeriod = periodIndex(col(COHORT_MONTH), periodStart(asOfDate, grain, weekStart), grain);
    Dataset<Row> spine = cohortOfCustomer
        .groupBy(col(COHORT_MONTH))
        .agg(count(lit(1)).as(COHORT_SIZE))
        .withColumn(LAST_PERIOD, lastPeriod)
        .withColumn(PERIOD_NUMBER, explode(sequence(lit(0), col(LAST_PERIOD))))
        .withColumn(PERIOD_START, nthPeriodStart(col(COHORT_MONTH), col(PERIOD_NUMBER), grain))
        .withColumn(IS_COMPLETE_PERIOD, col(PERIOD_NUMBER).lt(col(LAST_PERIOD)))
        .drop(LAST_PERIOD);

    // Orders with their customer's cohort and period number.
    Dataset<Row> ordersInPeriods = orders
        .join(cohortOfCustomer, new String[] {Orders.CUSTOMER_ID}, "inner")
        .withColumn(PERIOD_NUMBER,
            periodIndex(col(COHORT_MONTH), periodStart(col(Orders.ORDER_DATE), grain, weekStart), grain))
        // A returns-only order dated before the first purchase has no period; it is left out.
        .filter(col(PERIOD_NUMBER).geq(0));

    Dataset<Row> revenue = ordersInPeriods
        .groupBy(col(COHORT_MONTH), col(PERIOD_NUMBER))
        .agg(sum(col(Orders.NET_AMOUNT)).as(NET_REVENUE));

    Dataset<Row> purchasePeriods = ordersInPeriods.filter(col(Orders.IS_PURCHASE));
    Dataset<Row> withActive = mode == RetentionMode.ON
        ? activeOn(spine, purchasePeriods)
        : activeOnOrAfter(spine, purchasePeriods);

    WindowSpec upToPeriod = Window.partitionBy(col(COHORT_MONTH)).orderBy(col(PERIOD_NUMBER))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> cohorts = withActive
        .join(revenue, new String[] {COHORT_MONTH, PERIOD_NUMBER}, "left")
        .withColumn(NET_REVENUE, coalesce(col(NET_REVENUE), lit(0).cast(MONEY)))
        .withColumn(RETENTION_RATE, col(ACTIVE_CUSTOMERS).cast(DoubleType).divide(col(COHORT_SIZE)))
        .withColumn(CUMULATIVE_NET_REVENUE_PER_CUSTOMER,
            sum(col(NET_REVENUE)).over(upToPeriod).divide(col(COHORT_SIZE)));
    return SchemaProjection.project(cohorts, TABLE.schema());
  }

  /** Mode on: distinct customers with a purchase in the period. */
  private static Dataset<Row> activeOn(Dataset<Row> spine, Dataset<Row> purchasePeriods) {
    Dataset<Row> active = purchasePeriods
        .select(col(Orders.CUSTOMER_ID), col(COHORT_MONTH), col(PERIOD_NUMBER))
        .distinct()
        .groupBy(col(COHORT_MONTH), col(PERIOD_NUMBER))
        .agg(count(lit(1)).as(ACTIVE_CUSTOMERS));
    return spine.join(active, new String[] {COHORT_MONTH, PERIOD_NUMBER}, "left")
        .withColumn(ACTIVE_CUSTOMERS, coalesce(col(ACTIVE_CUSTOMERS), lit(0L)));
  }

  /**
   * Mode on_or_after: a customer is active in every period up to their last purchase period, so
   * active(n) = customers whose last purchase period is n or later: a reverse running sum of
   * customers per last period, per cohort.
   */
  private static Dataset<Row> activeOnOrAfter(Dataset<Row> spine, Dataset<Row> purchasePeriods) {
    Dataset<Row> lastPeriods = purchasePeriods
        .groupBy(col(Orders.CUSTOMER_ID), col(COHORT_MONTH))
        .agg(max(col(PERIOD_NUMBER)).as(PERIOD_NUMBER))
        .groupBy(col(COHORT_MONTH), col(PERIOD_NUMBER))
        .agg(count(lit(1)).as(CUSTOMERS));
    WindowSpec fromPeriodOn = Window.partitionBy(col(COHORT_MONTH)).orderBy(col(PERIOD_NUMBER).desc())
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    return spine.join(lastPeriods, new String[] {COHORT_MONTH, PERIOD_NUMBER}, "left")
        .withColumn(ACTIVE_CUSTOMERS, sum(coalesce(col(CUSTOMERS), lit(0L))).over(fromPeriodOn))
        .drop(CUSTOMERS);
  }

  /** First day of the month, or of the week starting on {@code weekStart}, holding {@code date}. */
  static Column periodStart(Column date, CohortGrain grain, DayOfWeek weekStart) {
    if (grain == CohortGrain.MONTH) {
      return trunc(date, "month");
    }
    // Spark's dayofweek: Sunday = 1 .. Saturday = 7; java.time: Monday = 1 .. Sunday = 7.
    int sparkFirstDay = weekStart.getValue() % 7 + 1;
    return date_sub(date, pmod(dayofweek(date).minus(sparkFirstDay), lit(7)));
  }

  /** Whole periods from one period start to a later one. */
  static Column periodIndex(Column fromStart, Column toStart, CohortGrain grain) {
    Column index = grain == CohortGrain.MONTH
        ? round(months_between(toStart, fromStart))
        : floor(datediff(toStart, fromStart).divide(7));
    return index.cast(IntegerType);
  }

  static Column nthPeriodStart(Column cohortStart, Column n, CohortGrain grain) {
    return grain == CohortGrain.MONTH ? add_months(cohortStart, n) : date_add(cohortStart, n.multiply(7));
  }

  /** One row with the difference when the period-0 cohort sizes do not add up to customer_facts' customers. */
  static Dataset<Row> cohortSizesDifferingFromCustomers(Dataset<Row> cohorts, Function<String, Dataset<Row>> tables) {
    Dataset<Row> sizes = cohorts
        .filter(col(PERIOD_NUMBER).equalTo(0))
        .agg(coalesce(sum(col(COHORT_SIZE)), lit(0L)).as("cohort_customers"));
    Dataset<Row> customers = tables.apply(CustomerFacts.TABLE.name()).agg(count(lit(1)).as("customer_facts_rows"));
    return sizes.crossJoin(customers)
        .withColumn("difference", abs(col("cohort_customers").minus(col("customer_facts_rows"))))
        .filter(col("difference").gt(0));
  }
}
