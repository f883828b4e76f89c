package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
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

/**
 * Growth accounting (SPEC 5, Lifecycle): per reporting-zone calendar month up to the as-of
 * month, how many customers were new, returning, resurrected and dormant, overall and by the
 * channel and country of their first purchase order.
 *
 * <p>Active = made a purchase in the month. new = first purchase in m; returning = active in m
 * and m-1; resurrected = active in m, not in m-1, and active in some month before m-1; dormant =
 * active in m-1 and not in m. "Dormant" and not "churned": churn has its own 90-day definition
 * (churn_monthly); a customer skipping one calendar month is dormant here without having churned.
 * Every month from the first purchase month appears for dimension overall; for the other
 * dimensions a value's month appears when one of its four counts is positive.
 */
public final class CustomerLifecycleMonthly {
  private CustomerLifecycleMonthly() {}

  public static final String MONTH = CustomerMonthStatus.MONTH;
  public static final String DIMENSION = NpsSummary.DIMENSION;
  public static final String DIMENSION_VALUE = NpsSummary.DIMENSION_VALUE;
  public static final String NEW_CUSTOMERS = "new_customers";
  public static final String RETURNING_CUSTOMERS = "returning_customers";
  public static final String RESURRECTED_CUSTOMERS = "resurrected_customers";
  public static final String DORMANT_CUSTOMERS = "dormant_customers";
  public static final String ACTIVE_CUSTOMERS = "active_customers";
  public static final String QUICK_RATIO = "quick_ratio";
  public static final String IS_COMPLETE_PERIOD = "is_complete_period";

  public static final String OVERALL = NpsSummary.DIMENSION_OVERALL;
  public static final String ACQUISITION_CHANNEL = CustomerLifetimes.ACQUISITION_CHANNEL;
  public static final String ACQUISITION_COUNTRY = CustomerLifetimes.ACQUISITION_COUNTRY;

  public static final TableSpec TABLE = TableSpec.table("customer_lifecycle_monthly")
      .grain("One row per calendar month, dimension and dimension value, for one as-of date.")
      .notes("Growth accounting (SPEC 5, Lifecycle). Active = a purchase in the month. new = first purchase in the month; "
          + "returning = active in the month and the month before; resurrected = active, not in the month before, active earlier; "
          + "dormant = active in the month before and not in this one (not 'churned': churn has its own threshold-day definition "
          + "in churn_monthly). active(m-1) = returning(m) + dormant(m). Dimension overall has every month from the first "
          + "purchase month to the as-of month; acquisition_channel and acquisition_country (of the customer's first purchase "
          + "order, `unknown` when it has none) only months with a non-zero count.")
      .documentedIn("growth-tables.md")
      .builtBy(CustomerLifecycleMonthly.class)
      .column(MONTH, DateType, REQUIRED, "reporting zone", "first day of the month")
      .column(DIMENSION, StringType, REQUIRED, "", "overall, acquisition_channel or acquisition_country")
      .column(DIMENSION_VALUE, StringType, NULLABLE, "", "the channel or country of the customers' first purchase order; null for overall")
      .column(NEW_CUSTOMERS, LongType, REQUIRED, "customers", "first purchase in the month")
      .column(RETURNING_CUSTOMERS, LongType, REQUIRED, "customers", "a purchase in the month and in the month before")
      .column(RESURRECTED_CUSTOMERS, LongType, REQUIRED, "customers", "a purchase in the month, none in the month before, one in an earlier month")
      .column(DORMANT_CUSTOMERS, LongType, REQUIRED, "customers", "a purchase in the month before, none in this month")
      .column(ACTIVE_CUSTOMERS, LongType, REQUIRED, "customers", "new + returning + resurrected: customers with a purchase in the month")
      .column(QUICK_RATIO, DoubleType, NULLABLE, "ratio", "(new + resurrected) / dormant; null when dormant is 0")
      .column(IS_COMPLETE_PERIOD, BooleanType, REQUIRED, "", "false for the as-of month, true before it")
      .key(MONTH, DIMENSION, DIMENSION_VALUE)
      .check(NpsSummary.SUMMARY_DIMENSION_VALUE_NULL_ONLY_FOR_OVERALL)
      .check(Check.rule("dimension_is_known", "dimension is overall, acquisition_channel or acquisition_country",
          col(DIMENSION).isin(OVERALL, ACQUISITION_CHANNEL, ACQUISITION_COUNTRY)))
      .check(Check.rule("active_is_new_returning_resurrected", "active_customers = new + returning + resurrected",
          col(ACTIVE_CUSTOMERS).equalTo(col(NEW_CUSTOMERS).plus(col(RETURNING_CUSTOMERS)).plus(col(RESURRECTED_CUSTOMERS)))))
      .check(Check.rule("quick_ratio_defined", "quick_ratio = (new + resurrected) / dormant, null exactly when dormant is 0",
          when(col(DORMANT_CUSTOMERS).equalTo(0), col(QUICK_RATIO).isNull())
              .otherwise(abs(col(QUICK_RATIO).multiply(col(DORMANT_CUSTOMERS))
                  .minus(col(NEW_CUSTOMERS).plus(col(RESURRECTED_CUSTOMERS)))).leq(1e-6))))
      .check(Check.reconcile("previous_active_is_returning_plus_dormant",
          "active_customers of the month before = returning + dormant, per dimension value (0 before a value's first row)",
          CustomerLifecycleMonthly::previousActiveDiffering))
      .check(Check.reconcile("overall_matches_kpi_and_churn_monthly",
          "overall new_customers equals kpi_monthly.new_customers and churn_monthly.new_customers, and overall "
              + "active_customers equals kpi_monthly.active_customers, in every month",
          CustomerLifecycleMonthly::overallDifferingFromKpis))
      .check(Check.reconcile("dimensions_add_up_to_overall",
          "per month, each dimension's values add up to overall in all four counts",
          CustomerLifecycleMonthly::dimensionsNotAddingUp))
      .build();

  /**
   * Builds customer_lifecycle_monthly.
   *
   * @param statuses customer_month_status ({@link CustomerMonthStatus#TABLE}) of the same as-of date
   * @param lifetimes customer_lifetimes ({@link CustomerLifetimes#TABLE}) of the same as-of date, for the months
   */
  public static Dataset<Row> build(Dataset<Row> statuses, Dataset<Row> lifetimes, LocalDate asOf) {
    Dataset<Row> activeOrDormant = statuses.filter(col(CustomerMonthStatus.STATUS).notEqual(CustomerMonthStatus.INACTIVE));
    // One status row counts under overall and under its channel and its country.
    Column dimensions = array(
        struct(lit(OVERALL).as(DIMENSION), lit(null).cast(StringType).as(DIMENSION_VALUE)),
        struct(lit(ACQUISITION_CHANNEL).as(DIMENSION), col(CustomerMonthStatus.ACQUISITION_CHANNEL).as(DIMENSION_VALUE)),
        struct(lit(ACQUISITION_COUNTRY).as(DIMENSION), col(CustomerMonthStatus.ACQUISITION_COUNTRY).as(DIMENSION_VALUE)));
    Dataset<Row> counts = activeOrDormant
        .select(col(MONTH), col(CustomerMonthStatus.STATUS), explode(dimensions).as("__d"))
        .select(col(MONTH), col(CustomerMonthStatus.STATUS), col("__d." + DIMENSION).as(DIMENSION),
            col("__d." + DIMENSION_VALUE).as(DIMENSION_VALUE))
        .groupBy(col(MONTH), col(DIMENSION), col(DIMENSION_VALUE))
        .agg(customersWith(CustomerMonthStatus.NEW).as(NEW_CUSTOMERS),
            customersWith(CustomerMonthStatus.RETURNING).as(RETURNING_CUSTOMERS),
            customersWith(CustomerMonthStatus.RESURRECTED).as(RESURRECTED_CUSTOMERS),
            customersWith(CustomerMonthStatus.DORMANT).as(DORMANT_CUSTOMERS));

    // Overall: every month, zeros included (a month with no activity at all is still a row).
    Dataset<Row> overall = CustomerMonthStatus.months(lifetimes, asOf)
        .join(counts.filter(col(DIMENSION).equalTo(OVERALL)).drop(DIMENSION, DIMENSION_VALUE),
            new String[] {MONTH}, "left")
        .withColumn(DIMENSION, lit(OVERALL))
        .withColumn(DIMENSION_VALUE, lit(null).cast(StringType));
    for (String c : new String[] {NEW_CUSTOMERS, RETURNING_CUSTOMERS, RESURRECTED_CUSTOMERS, DORMANT_CUSTOMERS}) {
      overall = overall.withColumn(c, coalesce(col(c), lit(0L)));
    }
    Dataset<Row> lifecycle = overall.unionByName(counts.filter(col(DIMENSION).notEqual(OVERALL)))
        .withColumn(ACTIVE_CUSTOMERS, col(NEW_CUSTOMERS).plus(col(RETURNING_CUSTOMERS)).plus(col(RESURRECTED_CUSTOMERS)))
        .withColumn(QUICK_RATIO, when(col(DORMANT_CUSTOMERS).gt(0),
            col(NEW_CUSTOMERS).plus(col(RESURRECTED_CUSTOMERS)).cast(DoubleType).divide(col(DORMANT_CUSTOMERS))))
        .withColumn(IS_COMPLETE_PERIOD, col(MONTH).lt(CustomerMonthStatus.asOfMonth(asOf)));
    return SchemaProjection.project(lifecycle, TABLE.schema());
  }

  /** The number of status rows with {@code status} (0, not null, for a group without one). */
  private static Column customersWith(String status) {
    return coalesce(sum(when(col(CustomerMonthStatus.STATUS).equalTo(status), lit(1L)).otherwise(lit(0L))), lit(0L));
  }

  /** Rows whose returning + dormant is not the previous month's active_customers of the same dimension value. */
  static Dataset<Row> previousActiveDiffering(Dataset<Row> lifecycle, Function<String, Dataset<Row>> tables) {
    Dataset<Row> previous = lifecycle.select(add_months(col(MONTH), 1).as(MONTH), col(DIMENSION),
        col(DIMENSION_VALUE), col(ACTIVE_CUSTOMERS).as("previous_active"));
    return lifecycle.as("l")
        .join(previous.as("p"), col("l." + MONTH).equalTo(col("p." + MONTH))
            .and(col("l." + DIMENSION).equalTo(col("p." + DIMENSION)))
            .and(col("l." + DIMENSION_VALUE).eqNullSafe(col("p." + DIMENSION_VALUE))), "left")
        .filter(coalesce(col("p.previous_active"), lit(0L))
            .notEqual(col("l." + RETURNING_CUSTOMERS).plus(col("l." + DORMANT_CUSTOMERS))))
        .select(col("l." + MONTH), col("l." + DIMENSION), col("l." + DIMENSION_VALUE),
            col("l." + RETURNING_CUSTOMERS), col("l." + DORMANT_CUSTOMERS), col("p.previous_active"));
  }

  /** Months where overall new or active customers differ from kpi_monthly or churn_monthly (a month missing on one side counts). */
  static Dataset<Row> overallDifferingFromKpis(Dataset<Row> lifecycle, Function<String, Dataset<Row>> tables) {
    Dataset<Row> overall = lifecycle.filter(col(DIMENSION).equalTo(OVERALL))
        .select(col(MONTH), col(NEW_CUSTOMERS).as("lifecycle_new"), col(ACTIVE_CUSTOMERS).as("lifecycle_active"));
    Dataset<Row> kpi = tables.apply(KpiMonthly.TABLE.name())
        .select(col(KpiMonthly.MONTH).as(MONTH), col(KpiMonthly.NEW_CUSTOMERS).as("kpi_new"),
            col(KpiMonthly.ACTIVE_CUSTOMERS).as("kpi_active"));
    Dataset<Row> churn = tables.apply(ChurnMonthly.TABLE.name())
        .select(col(ChurnMonthly.MONTH).as(MONTH), col(ChurnMonthly.NEW_CUSTOMERS).as("churn_new"));
    return overall.join(kpi, new String[] {MONTH}, "full_outer").join(churn, new String[] {MONTH}, "full_outer")
        .filter(not(col("lifecycle_new").eqNullSafe(col("kpi_new")))
            .or(not(col("lifecycle_new").eqNullSafe(col("churn_new"))))
            .or(not(col("lifecycle_active").eqNullSafe(col("kpi_active")))));
  }

  /** (month, dimension) pairs whose values' counts do not sum to the overall row of the month. */
  static Dataset<Row> dimensionsNotAddingUp(Dataset<Row> lifecycle, Function<String, Dataset<Row>> tables) {
    String[] counts = {NEW_CUSTOMERS, RETURNING_CUSTOMERS, RESURRECTED_CUSTOMERS, DORMANT_CUSTOMERS};
    Dataset<Row> overall = lifecycle.filter(col(DIMENSION).equalTo(OVERALL));
    Dataset<Row> byDimension = lifecycle.filter(col(DIMENSION).notEqual(OVERALL))
        .groupBy(col(MONTH), col(DIMENSION))
        .agg(sum(col(NEW_CUSTOMERS)).as("d_new"), sum(col(RETURNING_CUSTOMERS)).as("d_returning"),
            sum(col(RESURRECTED_CUSTOMERS)).as("d_resurrected"), sum(col(DORMANT_CUSTOMERS)).as("d_dormant"));
    // Both split dimensions, for every overall month: a month without any split row sums to 0.
    Dataset<Row> expected = overall.select(col(MONTH), col(counts[0]), col(counts[1]), col(counts[2]), col(counts[3]))
        .crossJoin(lifecycle.sparkSession().createDataset(java.util.List.of(ACQUISITION_CHANNEL, ACQUISITION_COUNTRY),
            org.apache.spark.sql.Encoders.STRING()).toDF(DIMENSION));
    return expected.join(byDimension, new String[] {MONTH, DIMENSION}, "left")
        .filter(col(NEW_CUSTOMERS).notEqual(coalesce(col("d_new"), lit(0L)))
            .or(col(RETURNING_CUSTOMERS).notEqual(coalesce(col("d_returning"), lit(0L))))
            .or(col(RESURRECTED_CUSTOMERS).notEqual(coalesce(col("d_resurrected"), lit(0L))))
            .or(col(DORMANT_CUSTOMERS).notEqual(coalesce(col("d_dormant"), lit(0L)))));
  }

  private static Column not(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }
}
