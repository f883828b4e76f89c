package io.rapport.clv;

import static org.apache.spark.sql.functions.col;

import io.rapport.intermediate.CustomerSummaries;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The customers of a backtest, counted from the customer summaries: for every customer with a
 * purchase day up to the calibration end, the summary at the calibration end
 * ({@code calibration_frequency}, {@code calibration_recency}, {@code calibration_t}: x, t_x and T
 * as {@link CustomerSummaries#build} computes them at that end) and the purchase days the
 * customer had in the holdout, aggregated to distinct (x, t_x, T, holdout days) rows with their
 * customer count. A few hundred thousand rows at a million customers, held on the driver as
 * primitive arrays sorted by (x, t_x, T, holdout days), so that the calibration fit and the
 * comparison need no further pass over the customers.
 *
 * @param holdoutDays purchase days in the holdout (calibration end exclusive, holdout end inclusive)
 * @param customers customers with this row's values
 */
record HoldoutCounts(double[] x, double[] tx, double[] t, long[] holdoutDays, long[] customers) {

  /**
   * One small Spark job over the summaries.
   *
   * @param summaries {@link CustomerSummaries#TABLE} built with the backtest's calibration end
   *     (the holdout ends at their observation end)
   */
  static HoldoutCounts collect(Dataset<Row> summaries) {
    List<Row> rows = summaries
        // Customers first seen in the holdout are not part of the check.
        .filter(col(CustomerSummaries.CALIBRATION_FREQUENCY).isNotNull())
        .groupBy(col(CustomerSummaries.CALIBRATION_FREQUENCY), col(CustomerSummaries.CALIBRATION_RECENCY),
            col(CustomerSummaries.CALIBRATION_T), col(CustomerSummaries.HOLDOUT_PURCHASE_DAYS))
        .count()
        .collectAsList();
    // A fixed order: the fits sum in array order (see ClvFitting.Triples).
    List<Row> sorted = new ArrayList<>(ClvFitting.sortedByKeys(rows, 4));
    int n = sorted.size();
    HoldoutCounts counts = new HoldoutCounts(new double[n], new double[n], new double[n], new long[n], new long[n]);
    for (int i = 0; i < n; i++) {
      Row r = sorted.get(i);
      counts.x[i] = r.getLong(0);
      counts.tx[i] = r.getDouble(1);
      counts.t[i] = r.getDouble(2);
      counts.holdoutDays[i] = r.getLong(3);
      counts.customers[i] = r.getLong(4);
    }
    return counts;
  }

  int size() {
    return x.length;
  }

  /** Whether row i has the same (x, t_x, T) as row i - 1 (rows are sorted, so equal triples are adjacent). */
  boolean sameTripleAsPrevious(int i) {
    return i > 0 && x[i] == x[i - 1] && tx[i] == tx[i - 1] && t[i] == t[i - 1];
  }

  /** For each row, the index of its (x, t_x, T) in {@link #triples()}. */
  int[] tripleIndex() {
    int[] index = new int[size()];
    int k = -1;
    for (int i = 0; i < size(); i++) {
      if (!sameTripleAsPrevious(i)) {
        k++;
      }
      index[i] = k;
    }
    return index;
  }

  /**
   * The distinct (x, t_x, T) with their customer counts, in the order of
   * {@link ClvFitting.Triples#collect} over {@code CustomerSummaries.build} at the calibration
   * end: the purchase models' calibration fit is the same, to the last bit.
   */
  ClvFitting.Triples triples() {
    int[] index = tripleIndex();
    int m = size() == 0 ? 0 : index[size() - 1] + 1;
    double[] tx3 = new double[m];
    double[] x3 = new double[m];
    double[] t3 = new double[m];
    double[] w3 = new double[m];
    for (int i = 0; i < size(); i++) {
      int k = index[i];
      x3[k] = x[i];
      tx3[k] = tx[i];
      t3[k] = t[i];
      w3[k] += customers[i];
    }
    return new ClvFitting.Triples(x3, tx3, t3, w3);
  }
}
