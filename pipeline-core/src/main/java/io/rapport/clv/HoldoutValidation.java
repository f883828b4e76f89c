package io.rapport.clv;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.models.BgNbdParameters;
import io.rapport.models.ClvFits;
import io.rapport.schema.TableSpec;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * One row per calibration-frequency bucket (0, 1, ..., 6, 7+) plus one total row, for one
 * calibration end: the holdout check of the BG/NBD model (Fader, Hardie &amp; Lee 2005, section 5,
 * "conditional expectations" figure).
 *
 * <p>The model is fitted on purchase days up to the calibration end (inclusive). Each customer
 * with a purchase day in the calibration period is then predicted
 * {@code E[X(t) | x, t_x, T]} repeat purchase days in the holdout, {@code t} = holdout length
 * (calibration end exclusive to holdout end inclusive) in the model time unit, and compared with
 * the purchase days they actually had in the holdout. Customers whose first purchase falls in the
 * holdout are not part of the check (the model says nothing about customers it has not seen).
 * Buckets are the calibration frequency x, capped at {@link #TOP_BUCKET}; a bucket without
 * customers has no row. All per-customer work stays in Spark; only the fit's aggregates and the
 * nine-row result reach the driver.
 */
public final class HoldoutValidation {
  private HoldoutValidation() {}

  /** Customers with calibration frequency at or above this share the last bucket ("7+"). */
  public static final int TOP_BUCKET = 7;
  /** The bucket label of the total row. */
  public static final String TOTAL = "total";

  /** Input: one row per customer and purchase day ({@code intermediate.CustomerPurchaseDays}). */
  public static final String CUSTOMER_ID = CustomerSummaries.CUSTOMER_ID;
  public static final String PURCHASE_DATE = CustomerSummaries.PURCHASE_DATE;

  /** "0" .. "6", "7+", or "total". */
  public static final String FREQUENCY_BUCKET = "frequency_bucket";
  /** Lowest calibration frequency in the bucket; null in the total row. */
  public static final String MIN_FREQUENCY = "min_frequency";
  /** Calibration customers in the bucket. */
  public static final String CUSTOMERS = "customers";
  /** Purchase days the bucket's customers had in the holdout. */
  public static final String ACTUAL_PURCHASES = "actual_purchases";
  /** Sum of the customers' conditional expectations for the holdout; null when BG/NBD was not fitted. */
  public static final String PREDICTED_PURCHASES = "predicted_purchases";
  /** actual_purchases / customers. */
  public static final String ACTUAL_MEAN = "actual_mean";
  /** predicted_purchases / customers. */
  public static final String PREDICTED_MEAN = "predicted_mean";
  /** First day of the holdout (the day after the calibration end). */
  public static final String HOLDOUT_START = "holdout_start";
  /** Last day of the holdout, inclusive. */
  public static final String HOLDOUT_END = "holdout_end";
  /** Holdout length in model time units (the t of E[X(t) | x, t_x, T]). */
  public static final String HOLDOUT_LENGTH = "holdout_length";
  /** Length of the model time unit in days. */
  public static final String TIME_UNIT_DAYS = "time_unit_days";

  public static final TableSpec TABLE = TableSpec.table("clv_holdout")
      .grain("One row per calibration-frequency bucket (0 .. 6, 7+) that has customers, plus one total row, for one calibration end.")
      .notes("Written by rapport validate-clv, not by runs, under <warehouse>/clv_holdout/calibration_end=<date>/. The command stages purchases up to the holdout end, fits both models on purchase days up to the calibration end (inclusive), and compares, for every customer with a purchase day in the calibration period, the BG/NBD conditional expectation of repeat purchase days in the holdout with the purchase days the customer actually had there (CLV-11). Customers first seen in the holdout are not part of the check.")
      .documentedIn("clv-tables.md")
      .builtBy(HoldoutValidation.class)
      .column(FREQUENCY_BUCKET, StringType, REQUIRED, "", "Calibration frequency x: `0` .. `6`, `7+` (x >= 7), or `total`.")
      .column(MIN_FREQUENCY, LongType, NULLABLE, "purchase days", "Lowest x in the bucket (0..7); null in the total row. Sort by it.")
      .column(CUSTOMERS, LongType, REQUIRED, "customers", "Customers with a purchase day up to the calibration end, in the bucket.")
      .column(ACTUAL_PURCHASES, LongType, REQUIRED, "purchase days", "Their purchase days in the holdout (the day after the calibration end to the holdout end, inclusive).")
      .column(PREDICTED_PURCHASES, DoubleType, NULLABLE, "purchase days", "Sum of their E[X(t) | x, t_x, T], t = holdout length; null when BG/NBD was not fitted.")
      .column(ACTUAL_MEAN, DoubleType, NULLABLE, "purchase days per customer", "actual_purchases / customers.")
      .column(PREDICTED_MEAN, DoubleType, NULLABLE, "purchase days per customer", "predicted_purchases / customers.")
      .column(HOLDOUT_START, DateType, REQUIRED, "reporting zone", "The day after the calibration end.")
      .column(HOLDOUT_END, DateType, REQUIRED, "reporting zone", "Last day of the holdout (inclusive).")
      .column(HOLDOUT_LENGTH, DoubleType, REQUIRED, "time units", "(holdout_end - calibration end) in days / time unit: the t of the prediction.")
      .column(TIME_UNIT_DAYS, DoubleType, REQUIRED, "days", "Length of the time unit.")
      .build();

  /**
   * The outcome of a check: the fits on the calibration period and the comparison table
   * ({@link #TABLE}, lazy).
   */
  public record Result(ClvFits fits, Dataset<Row> table, LocalDate calibrationEnd, LocalDate holdoutEnd) {}

  /**
   * Fits both CLV models on the calibration period and builds the comparison. Runs Spark actions
   * (the fit); the returned table is lazy.
   *
   * @param purchaseDays one row per customer and purchase day, columns {@code customer_id},
   *     {@code purchase_date}, {@code net_amount}; days after {@code holdoutEnd} are ignored
   * @throws IllegalArgumentException when the holdout does not end after the calibration end
   */
  public static Result validate(Dataset<Row> purchaseDays, LocalDate calibrationEnd, LocalDate holdoutEnd,
      RapportSettings.Clv settings) {
    requireHoldout(calibrationEnd, holdoutEnd);
    Dataset<Row> calibration = CustomerSummaries.build(purchaseDays, calibrationEnd, settings.timeUnitDays());
    ClvFits fits = ClvFitting.fit(calibration, settings);
    Dataset<Row> table = compare(calibration, purchaseDays, calibrationEnd, holdoutEnd,
        fits.bgNbdParameters().orElse(null), settings.timeUnitDays());
    return new Result(fits, table, calibrationEnd, holdoutEnd);
  }

  /**
   * The comparison table: a pure transformation.
   *
   * @param calibrationSummaries customer summaries at the calibration end ({@link CustomerSummaries#TABLE})
   * @param purchaseDays as in {@link #validate}
   * @param model fitted BG/NBD parameters, or null (predicted columns stay null)
   */
  public static Dataset<Row> compare(Dataset<Row> calibrationSummaries, Dataset<Row> purchaseDays,
      LocalDate calibrationEnd, LocalDate holdoutEnd, BgNbdParameters model, double timeUnitDays) {
    requireHoldout(calibrationEnd, holdoutEnd);
    double holdoutLength = ChronoUnit.DAYS.between(calibrationEnd, holdoutEnd) / timeUnitDays;
    Dataset<Row> actual = purchaseDays
        .filter(col(PURCHASE_DATE).gt(lit(Date.valueOf(calibrationEnd)))
            .and(col(PURCHASE_DATE).leq(lit(Date.valueOf(holdoutEnd)))))
        .groupBy(col(CUSTOMER_ID))
        .agg(count(lit(1)).as("_actual"));
    UserDefinedFunction predict = functions.udf(new Prediction(model, holdoutLength), DoubleType);
    Column frequency = col(CustomerSummaries.FREQUENCY);
    Dataset<Row> perCustomer = calibrationSummaries
        .join(actual, calibrationSummaries.col(CUSTOMER_ID).equalTo(actual.col(CUSTOMER_ID)), "left")
        .select(
            least(frequency, lit((long) TOP_BUCKET)).as(MIN_FREQUENCY),
            coalesce(col("_actual"), lit(0L)).as("_actual"),
            predict.apply(frequency, col(CustomerSummaries.RECENCY), col(CustomerSummaries.T)).as("_predicted"));
    Dataset<Row> buckets = perCustomer
        .groupBy(col(MIN_FREQUENCY))
        .agg(count(lit(1)).as(CUSTOMERS), sum(col("_actual")).as(ACTUAL_PURCHASES),
            sum(col("_predicted")).as(PREDICTED_PURCHASES))
        .withColumn(FREQUENCY_BUCKET, when(col(MIN_FREQUENCY).geq(TOP_BUCKET), lit(TOP_BUCKET + "+"))
            .otherwise(col(MIN_FREQUENCY).cast(StringType)));
    // The total sums the bucket rows (at most eight), so the two can never disagree.
    Dataset<Row> total = buckets.agg(sum(col(CUSTOMERS)).as(CUSTOMERS), sum(col(ACTUAL_PURCHASES)).as(ACTUAL_PURCHASES),
            sum(col(PREDICTED_PURCHASES)).as(PREDICTED_PURCHASES))
        .filter(col(CUSTOMERS).isNotNull())
        .withColumn(MIN_FREQUENCY, lit(null).cast(LongType))
        .withColumn(FREQUENCY_BUCKET, lit(TOTAL));
    // Counts are never null; the union only makes them nullable in the plan.
    Dataset<Row> rows = buckets.unionByName(total)
        .withColumn(CUSTOMERS, coalesce(col(CUSTOMERS), lit(0L)))
        .withColumn(ACTUAL_PURCHASES, coalesce(col(ACTUAL_PURCHASES), lit(0L)))
        .withColumn(ACTUAL_MEAN, col(ACTUAL_PURCHASES).divide(col(CUSTOMERS)))
        .withColumn(PREDICTED_MEAN, col(PREDICTED_PURCHASES).divide(col(CUSTOMERS)))
        .withColumn(HOLDOUT_START, lit(Date.valueOf(calibrationEnd.plusDays(1))))
        .withColumn(HOLDOUT_END, lit(Date.valueOf(holdoutEnd)))
        .withColumn(HOLDOUT_LENGTH, lit(holdoutLength))
        .withColumn(TIME_UNIT_DAYS, lit(timeUnitDays));
    return conform(rows);
  }

  private static void requireHoldout(LocalDate calibrationEnd, LocalDate holdoutEnd) {
    if (!holdoutEnd.isAfter(calibrationEnd)) {
      throw new IllegalArgumentException("Cannot validate the CLV model: the holdout end " + holdoutEnd
          + " is not after the calibration end " + calibrationEnd);
    }
  }

  private static Dataset<Row> conform(Dataset<Row> frame) {
    return frame.select(Arrays.stream(TABLE.schema().fields())
        .map((StructField f) -> col(f.name()).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new));
  }

  /** E[X(t) | x, t_x, T] for the holdout length; null without a model. Serializable: parameters only. */
  static final class Prediction implements UDF3<Long, Double, Double, Double> {
    private final BgNbdParameters model;
    private final double holdoutLength;

    Prediction(BgNbdParameters model, double holdoutLength) {
      this.model = model;
      this.holdoutLength = holdoutLength;
    }

    @Override
    public Double call(Long frequency, Double recency, Double age) {
      if (model == null || frequency == null || recency == null || age == null) {
        return null;
      }
      double v = model.conditionalExpectedPurchases(holdoutLength, frequency, recency, age);
      return Double.isFinite(v) ? v : null;
    }
  }
}
