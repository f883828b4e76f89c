package io.rapport.marts;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import io.rapport.models.ModelFit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * One row per CLV model (bg_nbd, gamma_gamma) for one as-of date: the fitted parameters, their
 * standard errors and the state of the fit ({@code clv_model}, SPEC section 5).
 *
 * <p>{@code parameters} and {@code standard_errors} map parameter names (bg_nbd: r, alpha, a, b;
 * gamma_gamma: p, q, v) to values; they are empty when the fit was not attempted, and an
 * unavailable standard error is null. {@code converged = false} rows carry
 * {@code failure_reason}; the parameters of a fit that stopped without converging are kept for
 * diagnosis but are not used for predictions. {@code warning} flags boundary solutions
 * (e.g. a -&gt; 0) and singular information matrices. {@code time_unit}/{@code time_unit_days}
 * give the unit of r/alpha (BG/NBD rates are per time unit).
 */
public final class ClvModelTable {
  private ClvModelTable() {}

  public static final String MODEL = "model";
  public static final String PARAMETERS = "parameters";
  public static final String STANDARD_ERRORS = "standard_errors";
  public static final String LOG_LIKELIHOOD = "log_likelihood";
  public static final String CUSTOMERS = "customers";
  public static final String ITERATIONS = "iterations";
  public static final String CONVERGED = "converged";
  public static final String WARNING = "warning";
  public static final String FAILURE_REASON = "failure_reason";
  public static final String TIME_UNIT = "time_unit";
  public static final String TIME_UNIT_DAYS = "time_unit_days";

  public static final StructType SCHEMA = new StructType()
      .add(MODEL, StringType, false)
      .add(PARAMETERS, createMapType(StringType, DoubleType, true), false)
      .add(STANDARD_ERRORS, createMapType(StringType, DoubleType, true), false)
      .add(LOG_LIKELIHOOD, DoubleType, true)
      .add(CUSTOMERS, LongType, false)
      .add(ITERATIONS, LongType, false)
      .add(CONVERGED, BooleanType, false)
      .add(WARNING, StringType, true)
      .add(FAILURE_REASON, StringType, true)
      .add(TIME_UNIT, StringType, false)
      .add(TIME_UNIT_DAYS, DoubleType, false);

  /** Builds the table from the fits (a handful of driver-side rows). */
  public static Dataset<Row> build(SparkSession spark, List<ModelFit> fits, double timeUnitDays) {
    List<Row> rows = new ArrayList<>();
    String unit = timeUnitName(timeUnitDays);
    for (ModelFit f : fits) {
      rows.add(RowFactory.create(
          f.model(),
          withNulls(f.parameters()),
          withNulls(f.standardErrors()),
          Double.isFinite(f.logLikelihood()) ? f.logLikelihood() : null,
          f.customers(),
          (long) f.iterations(),
          f.converged(),
          f.warning(),
          f.failureReason(),
          unit,
          timeUnitDays));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** "day" for 1, "week" for 7, otherwise "&lt;n&gt; days". */
  public static String timeUnitName(double timeUnitDays) {
    if (timeUnitDays == 1) {
      return "day";
    }
    if (timeUnitDays == 7) {
      return "week";
    }
    return (timeUnitDays == Math.rint(timeUnitDays)
        ? String.valueOf((long) timeUnitDays)
        : String.format(Locale.ROOT, "%s", timeUnitDays)) + " days";
  }

  private static Map<String, Double> withNulls(Map<String, Double> values) {
    Map<String, Double> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, v == null || !Double.isFinite(v) ? null : v));
    return out;
  }
}
