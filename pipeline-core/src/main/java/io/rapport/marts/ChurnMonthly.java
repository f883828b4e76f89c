package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;

import io.rapport.intermediate.CustomerPurchaseDays;
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
 * One row per calendar month from the first purchase month to the as-of month, for one as-of
 * date (months without events included).
 *
 * <p>Events (SPEC 5), from purchase days in the reporting zone: a customer's first purchase day
 * is a <em>new</em> event; a purchase day L with no purchase day in L+1..L+threshold makes a
 * <em>churn</em> event on L + threshold + 1, counted only when that is on or before the as-of
 * date; a purchase day more than threshold days after the previous one is a <em>reactivation</em>
 * (the customer had churned in between). customers_at_end is the running sum of
 * new + reactivated - churned, so it equals the customers active at the month's end (at the
 * as-of date for the current month) and customers_at_start equals the previous month's
 * customers_at_end. churn_rate = churned / at_start, null when at_start is 0; retention_rate =
 * 1 - churn_rate.
 */
public final class ChurnMonthly {
  private ChurnMonthly() {}

  public static final String MONTH = "month";
  public static final String CUSTOMERS_AT_START = "customers_at_start";
  public static final String NEW_CUSTOMERS = "new_customers";
  public static final String CHURNED_CUSTOMERS = "churned_customers";
  public static final String REACTIVATED_CUSTOMERS = "reactivated_customers";
  public static final String CUSTOMERS_AT_END = "customers_at_end";
  public static final String CHURN_RATE = "churn_rate";
  public static final String RETENTION_RATE = "retention_rate";

  public static final TableSpec TABLE = TableSpec.table("churn_monthly")
      .grain("One row per calendar month from the first purchase month to the as-of month, for one as-of date.")
      .notes("Months without events are included. customers_at_end = customers_at_start + new + reactivated - churned; churn_rate = churned / customers_at_start (null when 0).")
      .documentedIn("customer-tables.md")
      .builtBy(ChurnMonthly.class)
      .column(MONTH, DateType, REQUIRED, "reporting zone", "first day of the month")
      .column(CUSTOMERS_AT_START, LongType, REQUIRED, "customers", "active at the end of the previous month (0 for the first month)")
      .column(NEW_CUSTOMERS, LongType, REQUIRED, "customers", "first purchases in the month")
      .column(CHURNED_CUSTOMERS, LongType, REQUIRED, "customers", "churn events (L + T + 1) dated in the month and on or before the as-of date")
      .column(REACTIVATED_CUSTOMERS, LongType, REQUIRED, "customers", "purchases in the month more than T days after the customer's previous purchase")
      .column(CUSTOMERS_AT_END, LongType, REQUIRED, "customers", "at_start + new + reactivated - churned; active at the month's end (at the as-of date for the current month)")
      .column(CHURN_RATE, DoubleType, NULLABLE, "share", "churned / at_start; null when at_start is 0")
      .column(RETENTION_RATE, DoubleType, NULLABLE, "share", "1 - churn_rate")
      .key(MONTH)
      .check(Check.rule("flow_identity", "customers_at_end = customers_at_start + new + reactivated - churned",
          col(CUSTOMERS_AT_END).equalTo(col(CUSTOMERS_AT_START).plus(col(NEW_CUSTOMERS))
              .plus(col(REACTIVATED_CUSTOMERS)).minus(col(CHURNED_CUSTOMERS)))))
      .check(Check.reconcile("start_equals_previous_end",
          "customers_at_start equals the previous month's customers_at_end (0 before the first month)",
          ChurnMonthly::startsDifferingFromPreviousEnd))
      .check(Check.reconcile("active_at_as_of_matches_customer_churn",
          "the as-of month's customers_at_end equals the customers not churned in customer_churn",
          ChurnMonthly::activeDifferingFromCustomerChurn, sum(col("difference"))))
      .build();

  private static final String PREVIOUS = "__previous_day";
  private static final String NEXT = "__next_day";
  private static final String CHURN_DATE = "__churn_date";

  /**
   * Builds churn_monthly from purchase days ({@link CustomerPurchaseDays#TABLE}); days after
   * {@code asOf} are ignored.
   */
  public static Dataset<Row> build(Dataset<Row> purchaseDays, LocalDate asOf, int thresholdDays) {
    Column asOfDate = lit(asOf.toString()).cast(DateType);
    Column day = col(CustomerPurchaseDays.PURCHASE_DATE);

    // Neighbouring purchase days per customer: partitioned by customer, so it scales with them.
    WindowSpec byDay = Window.partitionBy(col(CustomerPurchaseDays.CUSTOMER_ID)).orderBy(day);
    Dataset<Row> days = purchaseDays
        .filter(day.leq(asOfDate))
        .select(col(CustomerPurchaseDays.CUSTOMER_ID), day)
        .withColumn(PREVIOUS, lag(day, 1).over(byDay))
        .withColumn(NEXT, lead(day, 1).over(byDay))
        .withColumn(CHURN_DATE, date_add(day, thresholdDays + 1));

    Column isNew = col(PREVIOUS).isNull();
    Column isReactivation = datediff(day, col(PREVIOUS)).gt(thresholdDays);
    Column isChurn = col(NEXT).isNull().or(datediff(col(NEXT), day).gt(thresholdDays))
        .and(col(CHURN_DATE).leq(asOfDate));

    Dataset<Row> arrivals = days
        .groupBy(trunc(day, "month").as(MONTH))
        .agg(sum(when(isNew, 1L).otherwise(0L)).as(NEW_CUSTOMERS),
            sum(when(isReactivation, 1L).otherwise(0L)).as(REACTIVATED_CUSTOMERS));
    Dataset<Row> departures = days
        .filter(isChurn)
        .groupBy(trunc(col(CHURN_DATE), "month").as(MONTH))
        .agg(count(lit(1)).as(CHURNED_CUSTOMERS));

    // Every month from the first purchase month to the as-of month (one row of bounds, exploded).
    Dataset<Row> months = days
        .agg(min(day).as("__first_day"))
        .select(explode(sequence(trunc(col("__first_day"), "month"), trunc(asOfDate, "month"),
            expr("interval 1 month"))).as(MONTH));

    // The month frame has one row per month (hundreds at most), so an unpartitioned running sum is cheap.
    WindowSpec upToMonth = Window.orderBy(col(MONTH))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column netChange = col(NEW_CUSTOMERS).plus(col(REACTIVATED_CUSTOMERS)).minus(col(CHURNED_CUSTOMERS));
    Dataset<Row> flow = months
        .join(arrivals, new String[] {MONTH}, "left")
        .join(departures, new String[] {MONTH}, "left")
        .withColumn(NEW_CUSTOMERS, coalesce(col(NEW_CUSTOMERS), lit(0L)))
        .withColumn(REACTIVATED_CUSTOMERS, coalesce(col(REACTIVATED_CUSTOMERS), lit(0L)))
        .withColumn(CHURNED_CUSTOMERS, coalesce(col(CHURNED_CUSTOMERS), lit(0L)))
        .withColumn(CUSTOMERS_AT_END, sum(netChange).over(upToMonth))
        .withColumn(CUSTOMERS_AT_START, col(CUSTOMERS_AT_END).minus(netChange))
        .withColumn(CHURN_RATE, when(col(CUSTOMERS_AT_START).gt(0),
            col(CHURNED_CUSTOMERS).cast(DoubleType).divide(col(CUSTOMERS_AT_START))))
        .withColumn(RETENTION_RATE, lit(1.0).minus(col(CHURN_RATE)));
    return SchemaProjection.project(flow, TABLE.schema());
  }

  /** Months whose customers_at_start is not the previous month's customers_at_end (0 before the first month). */
  static Dataset<Row> startsDifferingFromPreviousEnd(Dataset<Row> churnMonthly, Function<String, Dataset<Row>> tables) {
    Dataset<Row> previous = churnMonthly.select(
        add_months(col(MONTH), 1).as(MONTH), col(CUSTOMERS_AT_END).as("previous_customers_at_end"));
    return churnMonthly
        .select(MONTH, CUSTOMERS_AT_START)
        .join(previous, new String[] {MONTH}, "left")
        .filter(col(CUSTOMERS_AT_START).notEqual(coalesce(col("previous_customers_at_end"), lit(0L))));
  }

  /** One row with the difference when the as-of month's customers_at_end is not customer_churn's active customers. */
  static Dataset<Row> activeDifferingFromCustomerChurn(Dataset<Row> churnMonthly, Function<String, Dataset<Row>> tables) {
    Dataset<Row> flow = churnMonthly.agg(coalesce(max_by(col(CUSTOMERS_AT_END), col(MONTH)), lit(0L))
        .as("active_in_churn_monthly"));
    Dataset<Row> snapshot = tables.apply(CustomerChurn.TABLE.name())
        .agg(count(when(col(CustomerChurn.IS_CHURNED).equalTo(false), lit(1))).as("active_in_customer_churn"));
    return flow.crossJoin(snapshot)
        .withColumn("difference", abs(col("active_in_churn_monthly").minus(col("active_in_customer_churn"))))
        .filter(col("difference").gt(0));
  }
}
