package io.rapport.intermediate;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.schema.StagedSchemas;
import io.rapport.schema.TableSpec;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One row per customer with at least one purchase day up to the observation end: the
 * recency-frequency-monetary summary the CLV models are fitted on (SPEC section 5, CLV).
 *
 * <ul>
 *   <li>{@code frequency} x = purchase days - 1 (repeat purchase days);</li>
 *   <li>{@code recency} t_x = (last purchase day - first purchase day) / time unit;</li>
 *   <li>{@code t} T = (observation end - first purchase day) / time unit. Observation ends at the
 *       end of the as-of day, and purchase days are whole days, so whole days are counted: a
 *       customer whose first purchase is on the as-of day has T = 0. This matches the CDNOW
 *       convention (calibration through 1997-09-30 inclusive, T = (1997-09-30 - first day) / 7);</li>
 *   <li>{@code monetary_value} = mean net amount of the repeat purchase days (all days but the
 *       first); <b>null when frequency = 0</b> (a mean over no days is undefined; lifetimes and
 *       the CDNOW files write 0 there);</li>
 *   <li>{@code historical_net_revenue} = sum of the net amounts of all purchase days.</li>
 * </ul>
 *
 * <p>In the same pass, for the CLV backtest: the customer's x, t_x and T at a calibration end
 * before the observation end ({@code calibration_*}, null for a customer first seen after it),
 * and the purchase days after the calibration end ({@code holdout_purchase_days}). Counting them
 * here saves the backtest its own group-by of the purchase days.
 */
public final class CustomerSummaries {
  private CustomerSummaries() {}

  /** Input: one row per customer and reporting-zone purchase day. */
  public static final String PURCHASE_DATE = "purchase_date";
  /** Input: net amount of that day's purchases, decimal(18,4). */
  public static final String NET_AMOUNT = "net_amount";

  public static final String CUSTOMER_ID = StagedSchemas.CUSTOMER_ID;
  public static final String FREQUENCY = "frequency";
  public static final String RECENCY = "recency";
  public static final String T = "t";
  public static final String MONETARY_VALUE = "monetary_value";
  public static final String FIRST_PURCHASE_DATE = "first_purchase_date";
  public static final String HISTORICAL_NET_REVENUE = "historical_net_revenue";
  public static final String CALIBRATION_FREQUENCY = "calibration_frequency";
  public static final String CALIBRATION_RECENCY = "calibration_recency";
  public static final String CALIBRATION_T = "calibration_t";
  public static final String HOLDOUT_PURCHASE_DAYS = "holdout_purchase_days";

  public static final TableSpec TABLE = TableSpec.intermediate("customer_summaries")
      .grain("One row per customer with at least one purchase day up to the as-of date.")
      .notes("The BG/NBD and Gamma-Gamma inputs (frequency x, recency t_x, age T, mean repeat spend) in the model time unit.")
      .documentedIn("clv-tables.md")
      .builtBy(CustomerSummaries.class)
      .column(CUSTOMER_ID, StringType, REQUIRED, "", "customer key")
      .column(FREQUENCY, LongType, REQUIRED, "purchase days", "repeat purchase days: purchase days up to the as-of date - 1")
      .column(RECENCY, DoubleType, REQUIRED, "time units", "(last purchase day - first purchase day) / time unit")
      .column(T, DoubleType, REQUIRED, "time units", "(as-of date - first purchase day) / time unit")
      .column(MONETARY_VALUE, StagedSchemas.MONEY, NULLABLE, "money", "mean net amount of the repeat purchase days; null when frequency = 0")
      .column(FIRST_PURCHASE_DATE, DateType, REQUIRED, "reporting zone", "first purchase day")
      .column(HISTORICAL_NET_REVENUE, StagedSchemas.MONEY, NULLABLE, "money", "sum of the net amounts of all purchase days")
      .column(CALIBRATION_FREQUENCY, LongType, NULLABLE, "purchase days", "the CLV backtest's x: purchase days up to the calibration end (as-of date - clv.selection-holdout-days) - 1; null when the first purchase day is after it")
      .column(CALIBRATION_RECENCY, DoubleType, NULLABLE, "time units", "the backtest's t_x: (last purchase day up to the calibration end - first purchase day) / time unit")
      .column(CALIBRATION_T, DoubleType, NULLABLE, "time units", "the backtest's T: (calibration end - first purchase day) / time unit")
      .column(HOLDOUT_PURCHASE_DAYS, LongType, NULLABLE, "purchase days", "purchase days after the calibration end up to the as-of date; null as calibration_frequency")
      .key(CUSTOMER_ID)
      .build();

  /**
   * Summarises purchase days, without the backtest's columns (null).
   *
   * @see #build(Dataset, LocalDate, LocalDate, double)
   */
  public static Dataset<Row> build(Dataset<Row> purchaseDays, LocalDate observationEnd, double timeUnitDays) {
    return build(purchaseDays, observationEnd, null, timeUnitDays);
  }

  /**
   * Summarises purchase days.
   *
   * @param purchaseDays columns {@code customer_id} (string), {@code purchase_date} (date,
   *     reporting zone), {@code net_amount} (decimal(18,4)); exactly one row per customer and
   *     purchase day (several orders on a day are already merged). Days after
   *     {@code observationEnd} are ignored.
   * @param observationEnd the as-of date (inclusive)
   * @param calibrationEnd the backtest's calibration end (inclusive, before the observation end);
   *     null: the backtest's columns are null
   * @param timeUnitDays length of the model time unit in days (7 = weeks)
   */
  public static Dataset<Row> build(Dataset<Row> purchaseDays, LocalDate observationEnd, LocalDate calibrationEnd,
      double timeUnitDays) {
    if (!(timeUnitDays > 0)) {
      throw new IllegalArgumentException("Cannot summarise customers: time unit must be positive days, got " + timeUnitDays);
    }
    if (calibrationEnd != null && !calibrationEnd.isBefore(observationEnd)) {
      throw new IllegalArgumentException("Cannot summarise customers: the calibration end " + calibrationEnd
          + " is not before the observation end " + observationEnd);
    }
    requireColumns(purchaseDays, List.of(CUSTOMER_ID, PURCHASE_DATE, NET_AMOUNT));
    Column end = lit(Date.valueOf(observationEnd));
    Column day = col(PURCHASE_DATE);
    // Without a calibration end no day is in the calibration: the backtest's columns stay null.
    Column calibrationCut = calibrationEnd == null ? null : lit(Date.valueOf(calibrationEnd));
    Column inCalibration = calibrationCut == null ? lit(false) : day.leq(calibrationCut);
    Column calibrationDay = when(inCalibration, day);
    Dataset<Row> perCustomer = purchaseDays
        .filter(day.leq(end))
        .groupBy(col(CUSTOMER_ID))
        .agg(
            min(PURCHASE_DATE).as("first_day"),
            max(PURCHASE_DATE).as("last_day"),
            count(lit(1)).as("days"),
            sum(col(NET_AMOUNT)).as("total"),
            // the first day's amount: all but it make up the repeat purchases
            min_by(col(NET_AMOUNT), col(PURCHASE_DATE)).as("first_amount"),
            max(calibrationDay).as("calibration_last_day"),
            count(calibrationDay).as("calibration_days"));
    Column repeatDays = col("days").minus(1);
    // The first purchase day is the calibration's first day whenever the customer has one.
    Column seen = col("calibration_days").gt(0);
    return conform(perCustomer.select(
        col(CUSTOMER_ID),
        repeatDays.as(FREQUENCY),
        datediff(col("last_day"), col("first_day")).divide(timeUnitDays).as(RECENCY),
        datediff(end, col("first_day")).divide(timeUnitDays).as(T),
        when(repeatDays.gt(0), col("total").minus(col("first_amount")).divide(repeatDays)).as(MONETARY_VALUE),
        col("first_day").as(FIRST_PURCHASE_DATE),
        col("total").as(HISTORICAL_NET_REVENUE),
        when(seen, col("calibration_days").minus(1)).as(CALIBRATION_FREQUENCY),
        when(seen, datediff(col("calibration_last_day"), col("first_day")).divide(timeUnitDays)).as(CALIBRATION_RECENCY),
        when(seen, datediff(calibrationCut == null ? end : calibrationCut, col("first_day")).divide(timeUnitDays))
            .as(CALIBRATION_T),
        when(seen, col("days").minus(col("calibration_days"))).as(HOLDOUT_PURCHASE_DAYS)), TABLE.schema());
  }

  /** Selects exactly the schema's columns, in its order, cast to its types. */
  static Dataset<Row> conform(Dataset<Row> frame, StructType schema) {
    Column[] columns = Arrays.stream(schema.fields())
        .map((StructField f) -> col(f.name()).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new);
    return frame.select(columns);
  }

  private static void requireColumns(Dataset<Row> frame, List<String> required) {
    List<String> present = Arrays.asList(frame.columns());
    List<String> missing = required.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("Cannot summarise customers: missing column " + String.join(", ", missing)
          + " (present: " + String.join(", ", present) + ")");
    }
  }
}
