package io.rapport.clv;

import static org.apache.spark.sql.functions.col;

import io.rapport.config.ClvModelChoice;
import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.models.Backtest;
import io.rapport.models.BgNbd;
import io.rapport.models.ClvFits;
import io.rapport.models.GammaGamma;
import io.rapport.models.MbgNbd;
import io.rapport.models.ModelFit;
import io.rapport.models.ModelNames;
import io.rapport.models.ParetoNbd;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The CLV model step: the one place of the CLV flow that runs Spark actions. Customers are
 * aggregated in Spark into distinct (frequency, recency, t) triples with a count, and distinct
 * (frequency, monetary_value) pairs of repeat buyers with a positive value; only these
 * aggregates reach the driver, as primitive arrays, collected once and shared by every
 * purchase model fitted on them.
 */
public final class ClvFitting {
  private ClvFitting() {}

  /** The purchase models in their fixed order (clv_model rows, ties of the selection). */
  public static final List<String> ALL_PURCHASE_MODELS = List.of(ModelFit.BG_NBD, ModelNames.PARETO_NBD, ModelNames.MBG_NBD);

  /**
   * The fits of a run: the configured purchase model (all three for {@code auto}) and Gamma-Gamma
   * on the full period, and the backtest of the same models on a calibration period ending
   * {@code clv.selection-holdout-days} before the as-of date. For {@code auto} the selected model
   * is the one with the lowest total holdout mean absolute error among models whose calibration
   * and full-period fits both converged (C-2). Never fails for data reasons.
   *
   * @param summaries customer summaries at the as-of date ({@link CustomerSummaries#TABLE}) with
   *     the backtest's columns for the calibration end {@code asOf - clv.selection-holdout-days}
   */
  public static ClvFits fit(Dataset<Row> summaries, LocalDate asOf, RapportSettings.Clv settings) {
    List<String> models = purchaseModels(settings.model());
    LocalDate calibrationEnd = calibrationEnd(asOf, settings);
    ClvFits full;
    HoldoutCounts counts;
    ExecutorService pool = collectors();
    try {
      Future<Triples> triples = collect(pool, summaries, TRIPLES_JOB, () -> Triples.collect(summaries));
      Future<Pairs> pairs = collect(pool, summaries, PAIRS_JOB, () -> Pairs.collect(summaries));
      Future<HoldoutCounts> holdout = collect(pool, summaries, "clv: backtest aggregate of (frequency, recency, t,"
          + " holdout days) for the holdout " + calibrationEnd.plusDays(1) + " .. " + asOf, () -> HoldoutCounts.collect(summaries));
      full = fitModels(await(triples), await(pairs), models, settings.minRepeatCustomers());
      counts = await(holdout);
    } finally {
      pool.shutdownNow();
    }
    List<ModelFit> calibrationFits = fitPurchaseModels(counts.triples(), models, settings.minRepeatCustomers());
    List<Row> rows = HoldoutValidation.rows(counts, calibrationEnd, asOf, calibrationFits, settings.timeUnitDays());
    Map<String, Double> mae = new LinkedHashMap<>();
    for (String model : models) {
      mae.put(model, rows.stream()
          .filter(r -> model.equals(r.getAs(HoldoutValidation.MODEL)) && HoldoutValidation.TOTAL.equals(r.getAs(HoldoutValidation.FREQUENCY_BUCKET)))
          .findFirst()
          // Optional.map, not Stream.map: a model not fitted on the calibration period has a null
          // error, and Stream.findFirst throws on a null element.
          .map(r -> r.<Double>getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR))
          .orElse(null));
    }
    Backtest backtest = new Backtest(calibrationEnd, asOf, calibrationFits, rows, mae);
    String selected;
    String reason;
    if (settings.model() != ClvModelChoice.AUTO) {
      selected = models.get(0);
      reason = "configured (clv.model = " + selected + ")";
    } else {
      Selection s = select(full.purchaseFits(), calibrationFits, mae, settings.selectionHoldoutDays());
      selected = s.model();
      reason = s.reason();
    }
    return new ClvFits(full.purchaseFits(), selected, reason, full.gammaGamma(), full.frequencyMonetaryCorrelation(), backtest);
  }

  /** The last day of the backtest's calibration period of a run (inclusive). */
  public static LocalDate calibrationEnd(LocalDate asOf, RapportSettings.Clv settings) {
    return asOf.minusDays(settings.selectionHoldoutDays());
  }

  /** The purchase models a choice fits, in the fixed order. */
  static List<String> purchaseModels(ClvModelChoice choice) {
    return switch (choice) {
      case AUTO -> ALL_PURCHASE_MODELS;
      case BG_NBD -> List.of(ModelFit.BG_NBD);
      case PARETO_NBD -> List.of(ModelNames.PARETO_NBD);
      case MBG_NBD -> List.of(ModelNames.MBG_NBD);
    };
  }

  record Selection(String model, String reason) {}

  /**
   * The lowest total holdout MAE among models whose calibration and full-period fits converged
   * (ties: the earlier model in {@link #ALL_PURCHASE_MODELS}). When no model can be scored, the
   * first converged full-period fit, else bg_nbd (unconverged: per-customer columns null).
   */
  static Selection select(List<ModelFit> full, List<ModelFit> calibration, Map<String, Double> mae, int holdoutDays) {
    String best = null;
    double bestError = Double.POSITIVE_INFINITY;
    List<String> scores = new ArrayList<>();
    for (ModelFit f : full) {
      ModelFit cal = calibration.stream().filter(c -> c.model().equals(f.model())).findFirst().orElse(null);
      Double e = mae.get(f.model());
      if (!f.converged() || cal == null || !cal.converged() || e == null || !Double.isFinite(e)) {
        scores.add(f.model() + " not scored (" + (!f.converged() ? "full-period fit did not converge"
            : cal == null || !cal.converged() ? "calibration fit did not converge" : "no holdout customers") + ")");
        continue;
      }
      scores.add(String.format(Locale.ROOT, "%s %.4f", f.model(), e));
      if (e < bestError) {
        bestError = e;
        best = f.model();
      }
    }
    String detail = "total holdout mean absolute error over the last " + holdoutDays + " days: " + String.join(", ", scores);
    if (best != null) {
      return new Selection(best, "auto: lowest " + detail);
    }
    String fallback = full.stream().filter(ModelFit::converged).map(ModelFit::model).findFirst().orElse(full.get(0).model());
    return new Selection(fallback, "auto: no model could be scored, " + fallback + " used (" + detail + ")");
  }

  /**
   * Fits BG/NBD and Gamma-Gamma on customer summaries ({@link CustomerSummaries#TABLE}), without
   * backtest: the fit of {@code clv.model: bg_nbd} as timed by the benchmark and used by tests.
   */
  public static ClvFits fit(Dataset<Row> summaries, RapportSettings.Clv settings) {
    ClvFits fits = fitModels(summaries, List.of(ModelFit.BG_NBD), settings);
    return fits;
  }

  /**
   * Fits the named purchase models and Gamma-Gamma on customer summaries, without backtest; the
   * first model is the selected one. The (frequency, recency, t) triples are collected once.
   */
  public static ClvFits fitModels(Dataset<Row> summaries, List<String> models, RapportSettings.Clv settings) {
    ExecutorService pool = collectors();
    try {
      Future<Triples> triples = collect(pool, summaries, TRIPLES_JOB, () -> Triples.collect(summaries));
      Future<Pairs> pairs = collect(pool, summaries, PAIRS_JOB, () -> Pairs.collect(summaries));
      return fitModels(await(triples), await(pairs), models, settings.minRepeatCustomers());
    } finally {
      pool.shutdownNow();
    }
  }

  private static ClvFits fitModels(Triples triples, Pairs pairs, List<String> models, int minRepeat) {
    List<ModelFit> purchase = fitPurchaseModels(triples, models, minRepeat);
    ModelFit gammaGamma = GammaGamma.fit(pairs.x(), pairs.z(), pairs.w(), minRepeat);
    Double correlation = weightedCorrelation(pairs.x(), pairs.z(), pairs.w());
    if (correlation != null && Math.abs(correlation) > CORRELATION_WARNING) {
      String note = String.format(Locale.ROOT,
          "frequency and monetary value of repeat buyers are correlated (r = %.3f, |r| > %.1f): Gamma-Gamma assumes"
              + " they are independent, so expected_avg_order_value and clv may be biased", correlation, CORRELATION_WARNING);
      gammaGamma = gammaGamma.withWarning(gammaGamma.warning() == null ? note : gammaGamma.warning() + "; " + note);
    }
    String first = models.get(0);
    return new ClvFits(purchase, first, "configured (clv.model = " + first + ")", gammaGamma, correlation, null);
  }

  private static final String TRIPLES_JOB = "clv: purchase-model aggregate of (frequency, recency, t)";
  private static final String PAIRS_JOB = "clv: Gamma-Gamma aggregate of (frequency, monetary_value)";

  /**
   * Threads for the aggregations a fit collects, run as concurrent Spark jobs: each brings a few
   * hundred thousand rows to the driver, and while the driver turns one result into arrays the
   * cores run the next job. Created per fit by the calling thread, so they inherit its Spark
   * local properties (job group, step); daemon threads, so a failed run never waits for them.
   */
  private static ExecutorService collectors() {
    return Executors.newFixedThreadPool(3, task -> {
      Thread t = new Thread(task, "rapport-clv-aggregate");
      t.setDaemon(true);
      return t;
    });
  }

  private static <T> Future<T> collect(ExecutorService pool, Dataset<Row> summaries, String description, Supplier<T> job) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(summaries.sparkSession().sparkContext());
    return pool.submit(() -> {
      sc.setJobDescription(description);
      return job.get();
    });
  }

  /** The result of a collection, its failure rethrown as it was thrown. */
  private static <T> T await(Future<T> result) {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while the CLV aggregates were collected", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Distinct (frequency, monetary_value) of repeat buyers with a positive value, with their customer counts. */
  private record Pairs(double[] x, double[] z, double[] w) {
    static Pairs collect(Dataset<Row> summaries) {
      List<Row> pairs = sortedByKeys(summaries
          .filter(col(CustomerSummaries.FREQUENCY).gt(0).and(col(CustomerSummaries.MONETARY_VALUE).gt(0)))
          .groupBy(col(CustomerSummaries.FREQUENCY), col(CustomerSummaries.MONETARY_VALUE))
          .count()
          .collectAsList(), 2);
      int m = pairs.size();
      Pairs out = new Pairs(new double[m], new double[m], new double[m]);
      for (int i = 0; i < m; i++) {
        Row r = pairs.get(i);
        out.x[i] = ((Number) r.get(0)).doubleValue();
        out.z[i] = ((Number) r.get(1)).doubleValue();
        out.w[i] = r.getLong(2);
      }
      return out;
    }
  }

  /** Above this |correlation| of frequency and monetary value Gamma-Gamma's fit carries a warning (SPEC 5). */
  public static final double CORRELATION_WARNING = 0.3;

  /**
   * Pearson correlation of x and z with weights w (customers per row): the correlation over
   * customers. Null with fewer than two customers or without spread in either.
   */
  static Double weightedCorrelation(double[] x, double[] z, double[] w) {
    double n = 0;
    double sx = 0;
    double sz = 0;
    for (int i = 0; i < x.length; i++) {
      n += w[i];
      sx += w[i] * x[i];
      sz += w[i] * z[i];
    }
    if (n < 2) {
      return null;
    }
    double mx = sx / n;
    double mz = sz / n;
    double cxx = 0;
    double czz = 0;
    double cxz = 0;
    for (int i = 0; i < x.length; i++) {
      double dx = x[i] - mx;
      double dz = z[i] - mz;
      cxx += w[i] * dx * dx;
      czz += w[i] * dz * dz;
      cxz += w[i] * dx * dz;
    }
    if (!(cxx > 0) || !(czz > 0)) {
      return null;
    }
    return cxz / Math.sqrt(cxx * czz);
  }

  private static List<ModelFit> fitPurchaseModels(Triples t, List<String> models, int minRepeat) {
    List<ModelFit> fits = new ArrayList<>();
    for (String model : models) {
      fits.add(switch (model) {
        case ModelFit.BG_NBD -> BgNbd.fit(t.x, t.tx, t.t, t.w, minRepeat);
        case ModelNames.PARETO_NBD -> ParetoNbd.fit(t.x, t.tx, t.t, t.w, minRepeat);
        case ModelNames.MBG_NBD -> MbgNbd.fit(t.x, t.tx, t.t, t.w, minRepeat);
        default -> throw new IllegalArgumentException("Not a purchase model: " + model);
      });
    }
    return fits;
  }

  /** Distinct (frequency, recency, t) with their customer counts, as primitive arrays in a fixed order. */
  record Triples(double[] x, double[] tx, double[] t, double[] w) {
    static Triples collect(Dataset<Row> summaries) {
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
      return new Triples(x, tx, t, w);
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
