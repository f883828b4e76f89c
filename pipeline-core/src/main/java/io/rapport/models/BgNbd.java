package io.rapport.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maximum-likelihood fit of the BG/NBD model (Fader, Hardie &amp; Lee 2005) on weighted (x, t_x, T)
 * observations. BFGS runs over the log-parameters (so every trial point is admissible) on the
 * mean negative log-likelihood; standard errors come from the observed information matrix in
 * natural parameters. A fit never throws on data it cannot fit: it returns a {@link ModelFit}
 * with {@code converged = false} and the reason.
 */
public final class BgNbd {
  private BgNbd() {}

  /**
   * Below this a is treated as 0 (no drop-out); above the b limit (or the same limit on a) the
   * beta distribution of drop-out probabilities has collapsed to a point.
   */
  static final double A_BOUNDARY = 1e-4;
  static final double B_BOUNDARY = 1e6;
  static final double R_ALPHA_BOUNDARY = 1e6;
  /** Below this mean drop-out probability per purchase, a b-boundary solution means "no drop-out". */
  static final double DROPOUT_NEGLIGIBLE = 1e-3;

  /**
   * Fits the model.
   *
   * @param frequency x per row
   * @param recency t_x per row
   * @param age T per row
   * @param weight customers per row
   * @param minRepeatCustomers fewer customers with x &gt; 0 than this gives an unconverged fit
   */
  public static ModelFit fit(double[] frequency, double[] recency, double[] age, double[] weight, int minRepeatCustomers) {
    BgNbdLikelihood likelihood;
    try {
      likelihood = new BgNbdLikelihood(frequency, recency, age, weight);
    } catch (IllegalArgumentException e) {
      return ModelFit.failed(ModelFit.BG_NBD, 0, e.getMessage());
    }
    return fit(likelihood, minRepeatCustomers);
  }

  /** Fits the model on a prepared likelihood. */
  public static ModelFit fit(BgNbdLikelihood likelihood, int minRepeatCustomers) {
    long customers = Math.round(likelihood.totalWeight());
    long repeat = Math.round(likelihood.repeatWeight());
    if (repeat < Math.max(1, minRepeatCustomers)) {
      return ModelFit.failed(ModelFit.BG_NBD, customers, "too few repeat buyers: " + repeat + " of " + customers
          + " customers made a repeat purchase, at least " + Math.max(1, minRepeatCustomers) + " needed");
    }
    double n = likelihood.totalWeight();
    // Start: r = 1, a = b = 1, alpha so that the mean purchase rate r/alpha matches x/T on average.
    double meanRate = Math.max(likelihood.meanFrequency(), 1e-3) / Math.max(likelihood.meanAge(), 1e-3);
    double[] start = {0.0, Math.log(1.0 / meanRate), 0.0, 0.0};
    Bfgs.Objective objective = (theta, grad) -> {
      double r = Math.exp(theta[0]);
      double alpha = Math.exp(theta[1]);
      double a = Math.exp(theta[2]);
      double b = Math.exp(theta[3]);
      double[] g = new double[4];
      double ll = likelihood.evaluate(r, alpha, a, b, g);
      // d/d(ln p) = p d/dp; minimise the mean negative log-likelihood (scale-free tolerance)
      grad[0] = -g[0] * r / n;
      grad[1] = -g[1] * alpha / n;
      grad[2] = -g[2] * a / n;
      grad[3] = -g[3] * b / n;
      return -ll / n;
    };
    Bfgs.Result result;
    try {
      result = Bfgs.minimize(objective, start, Bfgs.Options.defaults());
    } catch (ArithmeticException | IllegalArgumentException e) {
      return ModelFit.failed(ModelFit.BG_NBD, customers, "optimiser failed: " + e.getMessage());
    }
    double[] p = new double[4];
    for (int i = 0; i < 4; i++) {
      p[i] = Math.exp(result.x()[i]);
    }
    String[] names = {BgNbdParameters.R, BgNbdParameters.ALPHA, BgNbdParameters.A, BgNbdParameters.B};
    Map<String, Double> params = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      params.put(names[i], p[i]);
    }
    for (double v : p) {
      if (!(v > 0) || !Double.isFinite(v)) {
        return new ModelFit(ModelFit.BG_NBD, params, Map.of(), Double.NaN, customers, result.iterations(), false, null,
            "optimiser left the representable parameter range: " + params);
      }
    }
    double ll = -result.value() * n;
    if (!result.converged()) {
      return new ModelFit(ModelFit.BG_NBD, params, Map.of(), ll, customers, result.iterations(), false, null,
          "optimiser did not converge: " + result.message());
    }
    List<String> warnings = new ArrayList<>();
    if (p[2] < A_BOUNDARY) {
      warnings.add("boundary solution: a=" + p[2] + " -> 0 (customers almost never drop out)");
    }
    String dropout = dropoutBoundaryWarning(p[2], p[3]);
    if (dropout != null) {
      warnings.add(dropout);
    }
    if (p[0] > R_ALPHA_BOUNDARY || p[1] > R_ALPHA_BOUNDARY * Math.max(1.0, likelihood.meanAge())) {
      warnings.add("boundary solution: r=" + p[0] + ", alpha=" + p[1] + " -> infinity (purchase rates nearly identical across customers)");
    }
    Map<String, Double> se = new LinkedHashMap<>();
    double[][] covariance = InformationMatrix.covariance(q -> {
      double[] g = new double[4];
      likelihood.evaluate(q[0], q[1], q[2], q[3], g);
      for (int i = 0; i < 4; i++) {
        g[i] = -g[i];
      }
      return g;
    }, p);
    double[] errors = InformationMatrix.standardErrors(covariance);
    if (errors == null) {
      warnings.add("observed information matrix is not positive definite; standard errors unavailable");
    }
    for (int i = 0; i < 4; i++) {
      se.put(names[i], errors == null ? Double.NaN : errors[i]);
    }
    return new ModelFit(ModelFit.BG_NBD, params, se, ll, customers, result.iterations(), true,
        warnings.isEmpty() ? null : String.join("; ", warnings), null, covariance);
  }

  /**
   * The warning for a b (or a) boundary, or null. Two different limits: b alone huge means no
   * drop-out; a and b both huge (their ratio finite) means the drop-out probability is the same
   * for every customer, not near 0.
   */
  static String dropoutBoundaryWarning(double a, double b) {
    if (!(b > B_BOUNDARY || a > B_BOUNDARY)) {
      return null;
    }
    double meanDropout = a / (a + b);
    return String.format(java.util.Locale.ROOT,
        "boundary solution: a=%.4g, b=%.4g, mean drop-out probability per purchase a/(a+b)=%.4g (%s)",
        a, b, meanDropout, meanDropout < DROPOUT_NEGLIGIBLE
            ? "customers almost never drop out"
            : "drop-out probability nearly the same for every customer");
  }
}
