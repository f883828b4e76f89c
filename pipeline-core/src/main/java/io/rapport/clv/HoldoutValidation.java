package io.rapport.clv;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

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
 * customers has no row. The per-customer work is one Spark aggregation to distinct
 * (x, t_x, T, holdout days) rows ({@link HoldoutCounts}); the calibration fit, the predictions
 * (once per distinct triple) and the sums run on the driver over those rows.
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
   * (the fits and the count of the holdout); the returned table holds the result rows.
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
    Dataset<Row> table = compareModels(purchaseDays, calibrationEnd, holdoutEnd, fits.purchaseFits(),
        settings.timeUnitDays());
    return new Result(fits, table, calibrationEnd, holdoutEnd);
  }

  /** The comparison of one BG/NBD parameter set (null: not fitted), as {@link #compareModels}. */
  public static Dataset<Row> compare(Dataset<Row> purchaseDays, LocalDate calibrationEnd, LocalDate holdoutEnd,
      BgNbdParameters model, double timeUnitDays) {
    return compareModels(purchaseDays, calibrationEnd, holdoutEnd,
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
   * The comparison table ({@link #TABLE}) of the given fits: one Spark job counts the holdout
   * ({@link HoldoutCounts}), the rows are computed on the driver.
   *
   * @param purchaseDays as in {@link #validate}
   * @param models purchase-model fits on the calibration period; an unconverged one gets null predictions
   */
  public static Dataset<Row> compareModels(Dataset<Row> purchaseDays, LocalDate calibrationEnd, LocalDate holdoutEnd,
      List<ModelFit> models, double timeUnitDays) {
    requireHoldout(calibrationEnd, holdoutEnd);
    HoldoutCounts counts = HoldoutCounts.collect(
        CustomerSummaries.build(purchaseDays, holdoutEnd, calibrationEnd, timeUnitDays));
    return purchaseDays.sparkSession().createDataFrame(rows(counts, calibrationEnd, holdoutEnd, models, timeUnitDays),
        TABLE.schema());
  }

  /**
   * The comparison rows, one block per model in the order given, each ordered by bucket with the
   * total last. Customers with the same (x, t_x, T) have the same prediction: it is computed once
   * per distinct triple (in parallel: E[X(t) | ...] of Pareto/NBD integrates numerically).
   */
  static List<Row> rows(HoldoutCounts counts, LocalDate calibrationEnd, LocalDate holdoutEnd, List<ModelFit> models,
      double timeUnitDays) {
    double holdoutLength = ChronoUnit.DAYS.between(calibrationEnd, holdoutEnd) / timeUnitDays;
    int[] tripleOf = counts.tripleIndex();
    ClvFitting.Triples triples = counts.triples();
    int buckets = TOP_BUCKET + 1;
    long[] customers = new long[buckets];
    long[] actual = new long[buckets];
    for (int i = 0; i < counts.size(); i++) {
      int b = bucketOf(counts.x()[i]);
      customers[b] += counts.customers()[i];
      actual[b] += counts.holdoutDays()[i] * counts.customers()[i];
    }
    List<Row> out = new ArrayList<>();
    for (ModelFit fit : models) {
      PurchaseModel model = PurchaseModel.from(fit).orElse(null);
      double[] predicted = new double[triples.x().length];
      if (model != null) {
        IntStream.range(0, predicted.length).parallel().forEach(k -> predicted[k] =
            model.conditionalExpectedPurchases(holdoutLength, triples.x()[k], triples.tx()[k], triples.t()[k]));
      }
      // Sums over the customers whose prediction is finite; null where there is none (as SQL's sum).
      Double[] predictedSum = new Double[buckets];
      Double[] errorSum = new Double[buckets];
      if (model != null) {
        for (int i = 0; i < counts.size(); i++) {
          double p = predicted[tripleOf[i]];
          if (Double.isFinite(p)) {
            int b = bucketOf(counts.x()[i]);
            long n = counts.customers()[i];
            predictedSum[b] = plus(predictedSum[b], p * n);
            errorSum[b] = plus(errorSum[b], Math.abs(p - counts.holdoutDays()[i]) * n);
          }
        }
      }
      long totalCustomers = 0;
      long totalActual = 0;
      Double totalPredicted = null;
      Double totalError = null;
      for (int b = 0; b < buckets; b++) {
        if (customers[b] == 0) {
          continue;
        }
        String label = b == TOP_BUCKET ? TOP_BUCKET + "+" : Integer.toString(b);
        out.add(row(fit.model(), label, (long) b, customers[b], actual[b], predictedSum[b], errorSum[b],
            calibrationEnd, holdoutEnd, holdoutLength, timeUnitDays));
        // The total sums the bucket rows, so the two can never disagree.
        totalCustomers += customers[b];
        totalActual += actual[b];
        totalPredicted = predictedSum[b] == null ? totalPredicted : plus(totalPredicted, predictedSum[b]);
        totalError = errorSum[b] == null ? totalError : plus(totalError, errorSum[b]);
      }
      if (totalCustomers > 0) {
        out.add(row(fit.model(), TOTAL, null, totalCustomers, totalActual, totalPredicted, totalError,
            calibrationEnd, holdoutEnd, holdoutLength, timeUnitDays));
      }
    }
    return out;
  }

  private static int bucketOf(double frequency) {
    return (int) Math.min(frequency, TOP_BUCKET);
  }

  private static Double plus(Double sum, double value) {
    return sum == null ? value : sum + value;
  }

  /** One row in {@link #TABLE}'s column order. */
  private static Row row(String model, String bucket, Long minFrequency, long customers, long actual, Double predicted,
      Double error, LocalDate calibrationEnd, LocalDate holdoutEnd, double holdoutLength, double timeUnitDays) {
    Map<String, Object> values = new HashMap<>();
    values.put(MODEL, model);
    values.put(CALIBRATION_END, Date.valueOf(calibrationEnd));
    values.put(HOLDOUT_END, Date.valueOf(holdoutEnd));
    values.put(FREQUENCY_BUCKET, bucket);
    values.put(CUSTOMERS, customers);
    values.put(PREDICTED_PURCHASES, predicted);
    values.put(ACTUAL_PURCHASES, actual);
    values.put(MEAN_ABSOLUTE_ERROR, error == null ? null : error / customers);
    values.put(MIN_FREQUENCY, minFrequency);
    values.put(ACTUAL_MEAN, (double) actual / customers);
    values.put(PREDICTED_MEAN, predicted == null ? null : predicted / customers);
    values.put(HOLDOUT_START, Date.valueOf(calibrationEnd.plusDays(1)));
    values.put(HOLDOUT_LENGTH, holdoutLength);
    values.put(TIME_UNIT_DAYS, timeUnitDays);
    // With its schema: the run reads the rows by column name (Row.getAs).
    return new GenericRowWithSchema(Arrays.stream(TABLE.schema().fieldNames()).map(values::get).toArray(), TABLE.schema());
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
}
