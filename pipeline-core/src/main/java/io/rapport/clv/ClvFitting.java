package io.rapport.clv;

import static org.apache.spark.sql.functions.col;

import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.models.BgNbd;
import io.rapport.models.ClvFits;
import io.rapport.models.GammaGamma;
import io.rapport.models.ModelFit;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The CLV model step: the one place of the CLV flow that runs Spark actions. Customers are
 * aggregated in Spark into distinct (frequency, recency, t) triples with a count, and distinct
 * (frequency, monetary_value) pairs of repeat buyers with a positive value; only these
 * aggregates reach the driver, as primitive arrays, where the models are fitted.
 */
public final class ClvFitting {
  private ClvFitting() {}

  /**
   * Fits BG/NBD and Gamma-Gamma on customer summaries ({@link CustomerSummaries#TABLE}).
   * Never fails for data reasons: a model that cannot be fitted comes back unconverged with the
   * reason.
   */
  public static ClvFits fit(Dataset<Row> summaries, RapportSettings.Clv settings) {
    int minRepeat = settings.minRepeatCustomers();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(summaries.sparkSession().sparkContext());
    String previous = sc.getLocalProperty("spark.job.description");
    try {
      sc.setJobDescription("clv: BG/NBD aggregate of (frequency, recency, t)");
      List<Row> triples = summaries
          .groupBy(col(CustomerSummaries.FREQUENCY), col(CustomerSummaries.RECENCY), col(CustomerSummaries.T))
          .count()
          .collectAsList();
      // Spark returns groups in an order that depends on partitioning; the likelihood sums in
      // array order, and on a flat (boundary) likelihood the optimum found depends on the last
      // bits of those sums. A fixed order makes the fit identical locally, on a cluster and on
      // a forced re-run.
      triples = sortedByKeys(triples, 3);
      int n = triples.size();
      double[] x = new double[n];
      double[] tx = new double[n];
      double[] t = new double[n];
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        Row r = triples.get(i);
        x[i] = ((Number) r.get(0)).doubleValue();
        tx[i] = ((Number) r.get(1)).doubleValue();
        t[i] = ((Number) r.get(2)).doubleValue();
        w[i] = r.getLong(3);
      }
      ModelFit bgNbd = BgNbd.fit(x, tx, t, w, minRepeat);

      sc.setJobDescription("clv: Gamma-Gamma aggregate of (frequency, monetary_value)");
      List<Row> pairs = summaries
          .filter(col(CustomerSummaries.FREQUENCY).gt(0).and(col(CustomerSummaries.MONETARY_VALUE).gt(0)))
          .groupBy(col(CustomerSummaries.FREQUENCY), col(CustomerSummaries.MONETARY_VALUE))
          .count()
          .collectAsList();
      pairs = sortedByKeys(pairs, 2);
      int m = pairs.size();
      double[] gx = new double[m];
      double[] z = new double[m];
      double[] gw = new double[m];
      for (int i = 0; i < m; i++) {
        Row r = pairs.get(i);
        gx[i] = ((Number) r.get(0)).doubleValue();
        z[i] = ((Number) r.get(1)).doubleValue();
        gw[i] = r.getLong(2);
      }
      ModelFit gammaGamma = GammaGamma.fit(gx, z, gw, minRepeat);
      return new ClvFits(bgNbd, gammaGamma);
    } finally {
      sc.setJobDescription(previous);
    }
  }

  /** The rows sorted by their first {@code keys} numeric columns. */
  static List<Row> sortedByKeys(List<Row> rows, int keys) {
    List<Row> sorted = new java.util.ArrayList<>(rows);
    sorted.sort((a, b) -> {
      for (int k = 0; k < keys; k++) {
        int c = Double.compare(((Number) a.get(k)).doubleValue(), ((Number) b.get(k)).doubleValue());
        if (c != 0) {
          return c;
        }
      }
      return 0;
    });
    return sorted;
  }
}
