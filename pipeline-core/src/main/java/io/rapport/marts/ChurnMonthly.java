package io.rapport.marts;

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
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;

import io.rapport.intermediate.CustomerPurchaseDays;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.StructType;

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

  public static final StructType SCHEMA = new StructType()
      .add(MONTH, DateType, false)
      .add(CUSTOMERS_AT_START, LongType, false)
      .add(NEW_CUSTOMERS, LongType, false)
      .add(CHURNED_CUSTOMERS, LongType, false)
      .add(REACTIVATED_CUSTOMERS, LongType, false)
      .add(CUSTOMERS_AT_END, LongType, false)
      .add(CHURN_RATE, DoubleType, true)
      .add(RETENTION_RATE, DoubleType, true);

  private static final String PREVIOUS = "__previous_day";
  private static final String NEXT = "__next_day";
  private static final String CHURN_DATE = "__churn_date";

  /**
   * Builds churn_monthly from purchase days ({@link CustomerPurchaseDays#SCHEMA}); days after
   * {@code asOf} are ignored.
   */
  public static Dataset<Row> build(Dataset<Row> purchaseDays, LocalDate asOf, int thresholdDays) {
    CustomerChurn.requireThreshold(thresholdDays);
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
    return SchemaProjection.project(flow, SCHEMA);
  }
}
