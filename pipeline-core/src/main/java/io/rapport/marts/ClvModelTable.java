package io.rapport.marts;

import static io.rapport.schema.TableSpec.NULLABLE;
import static io.rapport.schema.TableSpec.REQUIRED;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import io.rapport.models.ClvFits;
import io.rapport.models.ModelFit;
import io.rapport.schema.TableSpec;
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
 * One row per CLV model (the purchase models of clv.model, gamma_gamma) for one as-of date: the fitted parameters, their
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
  public static final String SELECTED = "selected";
  public static final String SELECTION_REASON = "selection_reason";
  public static final String FREQUENCY_MONETARY_CORRELATION = "frequency_monetary_correlation";

  public static final TableSpec TABLE = TableSpec.table("clv_model")
      .grain("One row per fitted model for one as-of date, fitted or not.")
      .notes("The purchase model of clv.model (bg_nbd by default; all three of bg_nbd, pareto_nbd, mbg_nbd for auto) and Gamma-Gamma are always present, fitted on the full period; selected marks the fits behind customer_clv and customer_churn.p_alive. Parameters and standard errors are on the natural scale. The backtest that auto selects by is clv_holdout.")
      .documentedIn("clv-tables.md")
      .builtBy(ClvModelTable.class)
      .column(MODEL, StringType, REQUIRED, "", "`bg_nbd`, `pareto_nbd`, `mbg_nbd` (purchase models) or `gamma_gamma` (spend).")
      .column(PARAMETERS, createMapType(StringType, DoubleType, true), REQUIRED, "", "Maximum-likelihood estimates. bg_nbd: `r`, `alpha` (purchase rates are gamma(r, alpha) across customers; `alpha` is in time units, the mean rate r/alpha is per time unit), `a`, `b` (drop-out probability after each repeat purchase is beta(a, b)). mbg_nbd: the same names and meaning, with a drop-out chance right after the first purchase too. pareto_nbd: `r`, `alpha` as bg_nbd, `s`, `beta` (death rates are gamma(s, beta) across customers, per time unit). gamma_gamma: `p`, `q`, `v` (spend per purchase day is gamma(p, nu), nu is gamma(q, v) across customers; `v` is in money). Empty when the fit was not attempted (too few repeat buyers); kept for diagnosis when it was attempted and did not converge.")
      .column(STANDARD_ERRORS, createMapType(StringType, DoubleType, true), REQUIRED, "", "Asymptotic standard errors from the observed information matrix (inverse Hessian of -log L at the estimate), same keys; a value is null when the matrix is not positive definite (boundary solutions).")
      .column(LOG_LIKELIHOOD, DoubleType, NULLABLE, "", "Maximised log-likelihood (natural log, summed over customers); null when not fitted.")
      .column(CUSTOMERS, LongType, REQUIRED, "customers", "Customers in the likelihood: all customers for bg_nbd, repeat buyers with a positive monetary_value for gamma_gamma.")
      .column(ITERATIONS, LongType, REQUIRED, "", "Optimiser (BFGS) iterations.")
      .column(CONVERGED, BooleanType, REQUIRED, "", "True when the optimiser met its gradient criterion and the estimates are usable; per-customer columns of `customer_clv` are filled only from converged fits (CLV-09).")
      .column(WARNING, StringType, NULLABLE, "", "Set on a converged fit that needs care: a boundary solution (a -> 0 or b -> infinity: no drop-out; a and b -> infinity: same drop-out probability for everyone; r, alpha -> infinity: same purchase rate for everyone; Gamma-Gamma q <= 1 or p, q -> infinity), or a singular information matrix (CLV-08). Null otherwise.")
      .column(FAILURE_REASON, StringType, NULLABLE, "", "Why the fit is not usable (too few repeat buyers, no convergence with the parameters reached, invalid input); null when converged (CLV-09).")
      .column(TIME_UNIT, StringType, REQUIRED, "", "`week` (7 days), `day` (1 day) or `<n> days`.")
      .column(TIME_UNIT_DAYS, DoubleType, REQUIRED, "days", "Length of the time unit (`clv.time-unit-days`).")
      .column(SELECTED, BooleanType, REQUIRED, "", "True for the purchase model behind customer_clv and customer_churn.p_alive (exactly one purchase-model row) and for gamma_gamma (always behind expected_avg_order_value and clv); false for the other purchase models fitted by clv.model auto (C-2).")
      .column(SELECTION_REASON, StringType, NULLABLE, "", "On the selected purchase model: `configured (clv.model = ...)`, or for auto the total holdout mean absolute error of every model (clv_holdout) and which was lowest; null on the other rows.")
      .column(FREQUENCY_MONETARY_CORRELATION, DoubleType, NULLABLE, "", "gamma_gamma only: Pearson correlation of frequency and monetary_value over the customers it was fitted on. Gamma-Gamma assumes they are independent; above 0.3 in absolute value the row carries a warning (C-4). Null for purchase models and with fewer than two such customers.")
      .key(MODEL)
      .build();

  /** Builds the table from the fits of a run (a handful of driver-side rows). */
  public static Dataset<Row> build(SparkSession spark, ClvFits fits, double timeUnitDays) {
    List<Row> rows = new ArrayList<>();
    String unit = timeUnitName(timeUnitDays);
    for (ModelFit f : fits.asList()) {
      boolean spend = f == fits.gammaGamma();
      boolean selected = spend || f.model().equals(fits.selectedModel());
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
          timeUnitDays,
          selected,
          !spend && selected ? fits.selectionReason() : null,
          spend ? fits.frequencyMonetaryCorrelation() : null));
    }
    return spark.createDataFrame(rows, TABLE.schema());
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
