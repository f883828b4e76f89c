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
import io.rapport.models.ModelFit;
import io.rapport.models.PurchaseModel;
import io.rapport.schema.TableSpec;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * One row per purchase model and calibration-frequency bucket (0, 1, ..., 6, 7+) plus one total
 * row per model, for one calibration end: the holdout check of the purchase models (Fader, Hardie
 * &amp; Lee 2005, section 5, "conditional expectations" figure), published by every run as
 * {@code clv_holdout} (calibration end = as-of date - {@code clv.selection-holdout-days}, holdout
 * end = as-of date) and written by {@code rapport validate-clv} for any calibration end.
 *
 * <p>Each model is fitted on purchase days up to the calibration end (inclusive). Each customer
 * with a purchase day in the calibration period is then predicted
 * {@code E[X(t) | x, t_x, T]} repeat purchase days in the holdout, {@code t} = holdout length
 * (calibration end exclusive to holdout end inclusive) in the model time unit, and compared with
 * the purchase days they actually had in the holdout. Customers whose first purchase falls in the
 * holdout are not part of the check (the model says nothing about customers it has not seen).
 * Buckets are the calibration frequency x, capped at {@link #TOP_BUCKET}; a bucket without
 * customers has no row. All per-customer work stays in Spark, over distinct (x, t_x, T, actual)
 * rows; only the fits' aggregates and the result rows reach the driver.
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

  /** The purchase model ({@code bg_nbd}, {@code pareto_nbd}, {@code mbg_nbd}). */
  public static final String MODEL = "model";
  /** Last day of the calibration period (inclusive). */
  public static final String CALIBRATION_END = "calibration_end";
  /** "0" .. "6", "7+", or "total". */
  public static final String FREQUENCY_BUCKET = "frequency_bucket";
  /** Lowest calibration frequency in the bucket; null in the total row. */
  public static final String MIN_FREQUENCY = "min_frequency";
  /** Calibration customers in the bucket. */
  public static final String CUSTOMERS = "customers";
  /** Purchase days the bucket's customers had in the holdout. */
  public static final String ACTUAL_PURCHASES = "actual_purchases";
  /** Sum of the customers' conditional expectations for the holdout; null when the model was not fitted. */
  public static final String PREDICTED_PURCHASES = "predicted_purchases";
  /** Mean over the bucket's customers of |predicted - actual|. */
  public static final String MEAN_ABSOLUTE_ERROR = "mean_absolute_error";
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
      .grain("One row per purchase model and calibration-frequency bucket (0 .. 6, 7+) that has customers, plus one total row per model, for one as-of date.")
      .notes("Every run backtests its purchase models (all three for clv.model auto): each is fitted on purchase days up to calibration_end = as-of date - clv.selection-holdout-days, and for every customer with a purchase day by then its conditional expectation of repeat purchase days in the holdout (calibration_end exclusive to the as-of date inclusive) is compared with the purchase days the customer actually had there (CLV-11, C-1). auto selects the model with the lowest total mean_absolute_error among converged fits (clv_model.selected). Customers first seen in the holdout are not part of the check. rapport validate-clv writes the same columns for any calibration end under <warehouse>/clv_validation/calibration_end=<date>/.")
      .documentedIn("clv-tables.md")
      .builtBy(HoldoutValidation.class)
      .column(MODEL, StringType, REQUIRED, "", "Purchase model: `bg_nbd`, `pareto_nbd` or `mbg_nbd`.")
      .column(CALIBRATION_END, DateType, REQUIRED, "reporting zone", "Last day (inclusive) of the calibration period the model was fitted on.")
      .column(HOLDOUT_END, DateType, REQUIRED, "reporting zone", "Last day of the holdout (inclusive); the as-of date in a run.")
      .column(FREQUENCY_BUCKET, StringType, REQUIRED, "", "Calibration frequency x: `0` .. `6`, `7+` (x >= 7), or `total`.")
      .column(CUSTOMERS, LongType, REQUIRED, "customers", "Customers with a purchase day up to the calibration end, in the bucket.")
      .column(PREDICTED_PURCHASES, DoubleType, NULLABLE, "purchase days", "Sum of their E[X(t) | x, t_x, T], t = holdout length; null when the model was not fitted on the calibration period.")
      .column(ACTUAL_PURCHASES, LongType, REQUIRED, "purchase days", "Their purchase days in the holdout (the day after the calibration end to the holdout end, inclusive).")
      .column(MEAN_ABSOLUTE_ERROR, DoubleType, NULLABLE, "purchase days per customer", "Mean over the bucket's customers of |E[X(t) | x, t_x, T] - actual purchase days|; null when the model was not fitted. The total row's value decides clv.model auto.")
      .column(MIN_FREQUENCY, LongType, NULLABLE, "purchase days", "Lowest x in the bucket (0..7); null in the total row. Sort by it.")
      .column(ACTUAL_MEAN, DoubleType, NULLABLE, "purchase days per customer", "actual_purchases / customers.")
      .column(PREDICTED_MEAN, DoubleType, NULLABLE, "purchase days per customer", "predicted_purchases / customers.")
      .column(HOLDOUT_START, DateType, REQUIRED, "reporting zone", "The day after the calibration end.")
      .column(HOLDOUT_LENGTH, DoubleType, REQUIRED, "time units", "(holdout_end - calibration end) in days / time unit: the t of the prediction.")
      .column(TIME_UNIT_DAYS, DoubleType, REQUIRED, "days", "Length of the time unit.")
      .key(MODEL, FREQUENCY_BUCKET)
      .build();

  /**
   * The outcome of a check: the fits on the calibration period and the comparison table
   * ({@link #TABLE}, lazy).
   */
  public record Result(ClvFits fits, Dataset<Row> table, LocalDate calibrationEnd, LocalDate holdoutEnd) {}

  /**
   * Fits every purchase model and Gamma-Gamma on the calibration period and builds the
   * comparison of all three models (what {@code rapport validate-clv} reports). Runs Spark actions
   * (the fits); the returned table is lazy.
   *
   * @param purchaseDays one row per customer and purchase day, columns {@code customer_id},
   *     {@code purchase_date}, {@code net_amount}; days after {@code holdoutEnd} are ignored
   * @throws IllegalArgumentException when the holdout does not end after the calibration end
   */
  public static Result validate(Dataset<Row> purchaseDays, LocalDate calibrationEnd, LocalDate holdoutEnd,
      RapportSettings.Clv settings) {
    requireHoldout(calibrationEnd, holdoutEnd);
    Dataset<Row> calibration = CustomerSummaries.build(purchaseDays, calibrationEnd, settings.timeUnitDays());
    ClvFits fits = ClvFitting.fitModels(calibration, ClvFitting.ALL_PURCHASE_MODELS, settings);
    Dataset<Row> table = compareModels(calibration, purchaseDays, calibrationEnd, holdoutEnd, fits.purchaseFits(),
        settings.timeUnitDays());
    return new Result(fits, table, calibrationEnd, holdoutEnd);
  }

  /** The comparison of one BG/NBD parameter set (null: not fitted), as {@link #compareModels}. */
  public static Dataset<Row> compare(Dataset<Row> calibrationSummaries, Dataset<Row> purchaseDays,
      LocalDate calibrationEnd, LocalDate holdoutEnd, BgNbdParameters model, double timeUnitDays) {
    return compareModels(calibrationSummaries, purchaseDays, calibrationEnd, holdoutEnd,
        List.of(model == null ? ModelFit.failed(ModelFit.BG_NBD, 0, "not fitted") : fitOf(model)), timeUnitDays);
  }

  private static ModelFit fitOf(BgNbdParameters p) {
    java.util.Map<String, Double> params = new java.util.LinkedHashMap<>();
    params.put(BgNbdParameters.R, p.r());
    params.put(BgNbdParameters.ALPHA, p.alpha());
    params.put(BgNbdParameters.A, p.a());
    params.put(BgNbdParameters.B, p.b());
    return new ModelFit(ModelFit.BG_NBD, params, java.util.Map.of(), Double.NaN, 0, 0, true, null, null);
  }

  /**
   * The comparison table: a pure transformation, one block of rows per model in the order given.
   *
   * @param calibrationSummaries customer summaries at the calibration end ({@link CustomerSummaries#TABLE})
   * @param purchaseDays as in {@link #validate}
   * @param models purchase-model fits on the calibration period; an unconverged one gets null predictions
   */
  public static Dataset<Row> compareModels(Dataset<Row> calibrationSummaries, Dataset<Row> purchaseDays,
      LocalDate calibrationEnd, LocalDate holdoutEnd, List<ModelFit> models, double timeUnitDays) {
    requireHoldout(calibrationEnd, holdoutEnd);
    double holdoutLength = ChronoUnit.DAYS.between(calibrationEnd, holdoutEnd) / timeUnitDays;
    Dataset<Row> actual = purchaseDays
        .filter(col(PURCHASE_DATE).gt(lit(Date.valueOf(calibrationEnd)))
            .and(col(PURCHASE_DATE).leq(lit(Date.valueOf(holdoutEnd)))))
        .groupBy(col(CUSTOMER_ID))
        .agg(count(lit(1)).as("_actual"));
    List<PurchaseModel> fitted = models.stream().map(f -> PurchaseModel.from(f).orElse(null)).toList();
    UserDefinedFunction predict = functions.udf(new Prediction(fitted, holdoutLength),
        DataTypes.createArrayType(DoubleType, true));
    Column frequency = col(CustomerSummaries.FREQUENCY);
    // Customers with the same (x, t_x, T) and the same holdout count have the same prediction and
    // error: one UDF call per distinct row, weighted by its count.
    Dataset<Row> distinct = calibrationSummaries
        .join(actual, calibrationSummaries.col(CUSTOMER_ID).equalTo(actual.col(CUSTOMER_ID)), "left")
        .select(frequency, col(CustomerSummaries.RECENCY), col(CustomerSummaries.T),
            coalesce(col("_actual"), lit(0L)).as("_actual"))
        .groupBy(frequency, col(CustomerSummaries.RECENCY), col(CustomerSummaries.T), col("_actual"))
        .agg(count(lit(1)).as("_n"))
        .withColumn("_predicted", predict.apply(frequency, col(CustomerSummaries.RECENCY), col(CustomerSummaries.T)));
    List<Column> sums = new ArrayList<>(List.of(sum(col("_n")).as(CUSTOMERS), sum(col("_actual").multiply(col("_n"))).as(ACTUAL_PURCHASES)));
    for (int k = 0; k < models.size(); k++) {
      Column predicted = col("_predicted").getItem(k);
      sums.add(sum(predicted.multiply(col("_n"))).as("_p" + k));
      sums.add(sum(functions.abs(predicted.minus(col("_actual"))).multiply(col("_n"))).as("_e" + k));
    }
    Dataset<Row> buckets = distinct
        .groupBy(least(frequency, lit((long) TOP_BUCKET)).as(MIN_FREQUENCY))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
        .withColumn(FREQUENCY_BUCKET, when(col(MIN_FREQUENCY).geq(TOP_BUCKET), lit(TOP_BUCKET + "+"))
            .otherwise(col(MIN_FREQUENCY).cast(StringType)));
    // The total sums the bucket rows (at most eight), so the two can never disagree.
    List<Column> totals = new ArrayList<>();
    for (String c : buckets.columns()) {
      if (!c.equals(MIN_FREQUENCY) && !c.equals(FREQUENCY_BUCKET)) {
        totals.add(sum(col(c)).as(c));
      }
    }
    Dataset<Row> total = buckets.agg(totals.get(0), totals.subList(1, totals.size()).toArray(Column[]::new))
        .filter(col(CUSTOMERS).isNotNull())
        .withColumn(MIN_FREQUENCY, lit(null).cast(LongType))
        .withColumn(FREQUENCY_BUCKET, lit(TOTAL));
    Dataset<Row> all = buckets.unionByName(total);
    Dataset<Row> rows = null;
    for (int k = 0; k < models.size(); k++) {
      // Counts are never null; the union only makes them nullable in the plan.
      Dataset<Row> block = all
          .withColumn(MODEL, lit(models.get(k).model()))
          .withColumn(CUSTOMERS, coalesce(col(CUSTOMERS), lit(0L)))
          .withColumn(ACTUAL_PURCHASES, coalesce(col(ACTUAL_PURCHASES), lit(0L)))
          .withColumn(PREDICTED_PURCHASES, col("_p" + k))
          .withColumn(MEAN_ABSOLUTE_ERROR, col("_e" + k).divide(col(CUSTOMERS)));
      rows = rows == null ? block : rows.unionByName(block, true);
    }
    return conform(rows
        .withColumn(CALIBRATION_END, lit(Date.valueOf(calibrationEnd)))
        .withColumn(ACTUAL_MEAN, col(ACTUAL_PURCHASES).divide(col(CUSTOMERS)))
        .withColumn(PREDICTED_MEAN, col(PREDICTED_PURCHASES).divide(col(CUSTOMERS)))
        .withColumn(HOLDOUT_START, lit(Date.valueOf(calibrationEnd.plusDays(1))))
        .withColumn(HOLDOUT_END, lit(Date.valueOf(holdoutEnd)))
        .withColumn(HOLDOUT_LENGTH, lit(holdoutLength))
        .withColumn(TIME_UNIT_DAYS, lit(timeUnitDays)));
  }

  /** The backtest rows of a run's fits as a table; empty when no backtest was run. */
  public static Dataset<Row> table(SparkSession spark, ClvFits fits) {
    List<Row> rows = fits.backtest() == null ? List.of() : fits.backtest().rows();
    return spark.createDataFrame(rows, TABLE.schema());
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

  /**
   * E[X(t) | x, t_x, T] of each model for the holdout length; an element is null without that
   * model. Serializable: parameters only.
   */
  static final class Prediction implements UDF3<Long, Double, Double, List<Double>> {
    private final List<PurchaseModel> models;
    private final double holdoutLength;

    Prediction(List<PurchaseModel> models, double holdoutLength) {
      this.models = new ArrayList<>(models);
      this.holdoutLength = holdoutLength;
    }

    @Override
    public List<Double> call(Long frequency, Double recency, Double age) {
      List<Double> out = new ArrayList<>(models.size());
      for (PurchaseModel model : models) {
        if (model == null || frequency == null || recency == null || age == null) {
          out.add(null);
        } else {
          double v = model.conditionalExpectedPurchases(holdoutLength, frequency, recency, age);
          out.add(Double.isFinite(v) ? v : null);
        }
      }
      return out;
    }
  }
}
