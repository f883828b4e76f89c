package io.rapport.marts;

import static io.rapport.schema.StagedSchemas.MONEY;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;

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

/**
 * The revenue bridge (SPEC 5): this month's net revenue explained from last month's. A
 * customer's month revenue is the net amount of their orders in the month (0 without orders);
 * each customer with orders in m-1 or m contributes cur - prev to one bucket by their lifecycle
 * status in m (the statuses of customer_lifecycle_monthly): new, resurrected, returning with
 * cur &gt; prev (expansion) or cur &lt; prev (contraction), dormant, and anyone else (a customer
 * id with refunds in months without a purchase) in other_revenue. starting = net revenue of m-1
 * (all orders), so ending = starting + the six buckets = net revenue of m = kpi_monthly.net_revenue
 * exactly (decimal arithmetic, no rounding).
 */
public final class RevenueBridgeMonthly {
  private RevenueBridgeMonthly() {}

  public static final String MONTH = CustomerMonthStatus.MONTH;
  public static final String STARTING_NET_REVENUE = "starting_net_revenue";
  public static final String NEW_REVENUE = "new_revenue";
  public static final String RESURRECTED_REVENUE = "resurrected_revenue";
  public static final String EXPANSION_REVENUE = "expansion_revenue";
  public static final String CONTRACTION_REVENUE = "contraction_revenue";
  public static final String DORMANT_REVENUE = "dormant_revenue";
  public static final String OTHER_REVENUE = "other_revenue";
  public static final String ENDING_NET_REVENUE = "ending_net_revenue";
  public static final String EXPANDING_CUSTOMERS = "expanding_customers";
  public static final String CONTRACTING_CUSTOMERS = "contracting_customers";
  public static final String IS_COMPLETE_PERIOD = "is_complete_period";

  private static final String[] BUCKETS = {NEW_REVENUE, RESURRECTED_REVENUE, EXPANSION_REVENUE, CONTRACTION_REVENUE,
      DORMANT_REVENUE, OTHER_REVENUE};

  public static final TableSpec TABLE = TableSpec.table("revenue_bridge_monthly")
      .grain("One row per calendar month from the first purchase month to the as-of month, for one as-of date.")
      .notes("Each customer with orders in the month or the month before contributes (net this month - net last month) "
          + "to one bucket, by lifecycle status in the month (as in customer_lifecycle_monthly). ending_net_revenue = "
          + "starting_net_revenue + the six buckets = kpi_monthly.net_revenue of the month; starting_net_revenue = net "
          + "revenue of the month before (the previous row's ending). Contraction and dormant revenue are negative or 0.")
      .documentedIn("growth-tables.md")
      .builtBy(RevenueBridgeMonthly.class)
      .column(MONTH, DateType, REQUIRED, "reporting zone", "first day of the month")
      .column(STARTING_NET_REVENUE, MONEY, REQUIRED, "money", "net revenue of the month before (all orders; 0 without any)")
      .column(NEW_REVENUE, MONEY, REQUIRED, "money", "cur - prev of the month's new customers")
      .column(RESURRECTED_REVENUE, MONEY, REQUIRED, "money", "cur - prev of resurrected customers")
      .column(EXPANSION_REVENUE, MONEY, REQUIRED, "money", "cur - prev of returning customers spending more than the month before (> 0)")
      .column(CONTRACTION_REVENUE, MONEY, REQUIRED, "money", "cur - prev of returning customers spending less (< 0)")
      .column(DORMANT_REVENUE, MONEY, REQUIRED, "money", "cur - prev of dormant customers (their last month's revenue, negated, plus any refund this month)")
      .column(OTHER_REVENUE, MONEY, REQUIRED, "money", "cur - prev of everyone else: refunds or returns-only orders in months without a purchase that month or the month before")
      .column(ENDING_NET_REVENUE, MONEY, REQUIRED, "money", "starting + the six buckets = net revenue of the month (kpi_monthly.net_revenue)")
      .column(EXPANDING_CUSTOMERS, LongType, REQUIRED, "customers", "returning customers with cur > prev")
      .column(CONTRACTING_CUSTOMERS, LongType, REQUIRED, "customers", "returning customers with cur < prev")
      .column(IS_COMPLETE_PERIOD, BooleanType, REQUIRED, "", "false for the as-of month, true before it")
      .key(MONTH)
      .check(Check.rule("ending_is_starting_plus_buckets",
          "ending_net_revenue = starting_net_revenue + new + resurrected + expansion + contraction + dormant + other",
          col(ENDING_NET_REVENUE).equalTo(col(STARTING_NET_REVENUE).plus(col(NEW_REVENUE)).plus(col(RESURRECTED_REVENUE))
              .plus(col(EXPANSION_REVENUE)).plus(col(CONTRACTION_REVENUE)).plus(col(DORMANT_REVENUE))
              .plus(col(OTHER_REVENUE)))))
      .check(Check.rule("bucket_signs", "expansion_revenue >= 0 and contraction_revenue <= 0",
          col(EXPANSION_REVENUE).geq(0).and(col(CONTRACTION_REVENUE).leq(0))))
      .check(Check.reconcile("starting_is_previous_ending",
          "starting_net_revenue equals the previous month's ending_net_revenue",
          RevenueBridgeMonthly::startingDifferingFromPreviousEnding))
      .check(Check.reconcile("ending_matches_kpi_monthly",
          "ending_net_revenue equals kpi_monthly.net_revenue in every month (a month missing on one side counts)",
          RevenueBridgeMonthly::endingDifferingFromKpis))
      .build();

  /**
   * Builds revenue_bridge_monthly.
   *
   * @param statuses customer_month_status ({@link CustomerMonthStatus#TABLE}) of the same as-of date
   * @param lifetimes customer_lifetimes ({@link CustomerLifetimes#TABLE}) of the same as-of date, for the months
   */
  public static Dataset<Row> build(Dataset<Row> statuses, Dataset<Row> lifetimes, LocalDate asOf) {
    Column status = col(CustomerMonthStatus.STATUS);
    Column current = col(CustomerMonthStatus.NET_REVENUE);
    Column previous = col(CustomerMonthStatus.PREVIOUS_NET_REVENUE);
    Column delta = current.minus(previous);
    Column returning = status.equalTo(CustomerMonthStatus.RETURNING);
    Column zero = lit(0).cast(MONEY);
    Dataset<Row> buckets = statuses
        .groupBy(col(MONTH))
        .agg(sum(previous).as(STARTING_NET_REVENUE),
            sum(when(status.equalTo(CustomerMonthStatus.NEW), delta)).as(NEW_REVENUE),
            sum(when(status.equalTo(CustomerMonthStatus.RESURRECTED), delta)).as(RESURRECTED_REVENUE),
            sum(when(returning.and(current.gt(previous)), delta)).as(EXPANSION_REVENUE),
            sum(when(returning.and(current.lt(previous)), delta)).as(CONTRACTION_REVENUE),
            sum(when(status.equalTo(CustomerMonthStatus.DORMANT), delta)).as(DORMANT_REVENUE),
            sum(when(status.equalTo(CustomerMonthStatus.INACTIVE), delta)).as(OTHER_REVENUE),
            sum(when(returning.and(current.gt(previous)), lit(1L))).as(EXPANDING_CUSTOMERS),
            sum(when(returning.and(current.lt(previous)), lit(1L))).as(CONTRACTING_CUSTOMERS));

    Dataset<Row> bridge = CustomerMonthStatus.months(lifetimes, asOf).join(buckets, new String[] {MONTH}, "left");
    bridge = bridge.withColumn(STARTING_NET_REVENUE, coalesce(col(STARTING_NET_REVENUE), zero));
    Column ending = col(STARTING_NET_REVENUE);
    for (String b : BUCKETS) {
      bridge = bridge.withColumn(b, coalesce(col(b), zero));
      ending = ending.plus(col(b));
    }
    bridge = bridge
        .withColumn(ENDING_NET_REVENUE, ending)
        .withColumn(EXPANDING_CUSTOMERS, coalesce(col(EXPANDING_CUSTOMERS), lit(0L)))
        .withColumn(CONTRACTING_CUSTOMERS, coalesce(col(CONTRACTING_CUSTOMERS), lit(0L)))
        .withColumn(IS_COMPLETE_PERIOD, col(MONTH).lt(CustomerMonthStatus.asOfMonth(asOf)));
    return SchemaProjection.project(bridge, TABLE.schema());
  }

  /** Months whose starting_net_revenue is not the previous row's ending (the first row has no previous row). */
  static Dataset<Row> startingDifferingFromPreviousEnding(Dataset<Row> bridge, Function<String, Dataset<Row>> tables) {
    Dataset<Row> previous = bridge.select(add_months(col(MONTH), 1).as(MONTH), col(ENDING_NET_REVENUE).as("previous_ending"));
    return bridge.select(MONTH, STARTING_NET_REVENUE)
        .join(previous, new String[] {MONTH}, "inner")
        .filter(col(STARTING_NET_REVENUE).notEqual(col("previous_ending")));
  }

  static Dataset<Row> endingDifferingFromKpis(Dataset<Row> bridge, Function<String, Dataset<Row>> tables) {
    Dataset<Row> kpi = tables.apply(KpiMonthly.TABLE.name())
        .select(col(KpiMonthly.MONTH).as(MONTH), col(KpiMonthly.NET_REVENUE).as("kpi_net_revenue"));
    return bridge.select(MONTH, ENDING_NET_REVENUE)
        .join(kpi, new String[] {MONTH}, "full_outer")
        .filter(not(col(ENDING_NET_REVENUE).eqNullSafe(col("kpi_net_revenue"))));
  }
}
