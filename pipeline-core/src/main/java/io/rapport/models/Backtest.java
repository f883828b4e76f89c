package io.rapport.models;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The backtest of the purchase models: their fits on the calibration period (up to
 * {@code calibrationEnd}) and the per-frequency-bucket comparison of predicted and actual repeat
 * purchase days in the holdout ({@code clv_holdout} rows, a few dozen, on the driver).
 *
 * @param totalMeanAbsoluteError per model name, the total row's mean absolute error (null when the
 *     calibration fit did not converge or no customer was scored)
 */
public record Backtest(LocalDate calibrationEnd, LocalDate holdoutEnd, List<ModelFit> calibrationFits, List<Row> rows,
    java.util.Map<String, Double> totalMeanAbsoluteError) implements Serializable {

  public Backtest {
    calibrationFits = List.copyOf(calibrationFits);
    rows = List.copyOf(rows);
    totalMeanAbsoluteError = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(totalMeanAbsoluteError));
  }
}
