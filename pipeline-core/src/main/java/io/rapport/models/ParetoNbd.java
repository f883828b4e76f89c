package io.rapport.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maximum-likelihood fit of the Pareto/NBD model on weighted (x, t_x, T) observations, through the
 * same optimiser and failure handling as {@link BgNbd} ({@link LogScaleFit}). A fit never throws on
 * data it cannot fit: it returns a {@link ModelFit} with {@code converged = false} and the reason.
 */
public final class ParetoNbd {
  private ParetoNbd() {}

  /** Above this s (or beta / mean T) the gamma of death rates has collapsed to a point. */
  static final double S_BETA_BOUNDARY = 1e6;
  /** Below this s the death rates are so spread that most customers never die. */
  static final double S_LOWER_BOUNDARY = 1e-4;
  static final double R_ALPHA_BOUNDARY = 1e6;

  private static final String[] NAMES = {ParetoNbdParameters.R, ParetoNbdParameters.ALPHA, ParetoNbdParameters.S, ParetoNbdParameters.BETA};

  /** Fits the model; arguments as {@link BgNbd#fit(double[], double[], double[], double[], int)}. */
  public static ModelFit fit(double[] frequency, double[] recency, double[] age, double[] weight, int minRepeatCustomers) {
    ParetoNbdLikelihood likelihood;
    try {
      likelihood = new ParetoNbdLikelihood(frequency, recency, age, weight);
    } catch (IllegalArgumentException e) {
      return ModelFit.failed(ModelNames.PARETO_NBD, 0, e.getMessage());
    }
    return fit(likelihood, minRepeatCustomers);
  }

  /** Fits the model on a prepared likelihood. */
  public static ModelFit fit(ParetoNbdLikelihood likelihood, int minRepeatCustomers) {
    long customers = Math.round(likelihood.totalWeight());
    long repeat = Math.round(likelihood.repeatWeight());
    int needed = Math.max(1, minRepeatCustomers);
    if (repeat < needed) {
      return ModelFit.failed(ModelNames.PARETO_NBD, customers, "too few repeat buyers: " + repeat + " of " + customers
          + " customers made a repeat purchase, at least " + needed + " needed");
    }
    // Start: r = s = 1; alpha so that the mean purchase rate r/alpha matches x/T on average, beta
    // so that the mean lifetime beta/s is the mean observed age.
    double meanAge = Math.max(likelihood.meanAge(), 1e-3);
    double meanRate = Math.max(likelihood.meanFrequency(), 1e-3) / meanAge;
    double[] start = {1.0, 1.0 / meanRate, 1.0, meanAge};
    return LogScaleFit.fit(ModelNames.PARETO_NBD, NAMES, start, likelihood.totalWeight(),
        (p, g) -> likelihood.evaluate(p[0], p[1], p[2], p[3], g),
        p -> boundaryWarnings(p[0], p[1], p[2], p[3], meanAge));
  }

  /** Warnings of a converged estimate at the edge of the parameter space (none when interior). */
  static List<String> boundaryWarnings(double r, double alpha, double s, double beta, double meanAge) {
    List<String> warnings = new ArrayList<>();
    if (s < S_LOWER_BOUNDARY) {
      warnings.add("boundary solution: s=" + s + " -> 0 (most customers never drop out)");
    }
    if (s > S_BETA_BOUNDARY || beta > S_BETA_BOUNDARY * Math.max(1.0, meanAge)) {
      double meanRate = s / beta;
      warnings.add(String.format(Locale.ROOT,
          "boundary solution: s=%.4g, beta=%.4g, mean drop-out rate s/beta=%.4g per time unit (%s)", s, beta, meanRate,
          meanRate * meanAge < 1e-3 ? "customers almost never drop out" : "drop-out rate nearly the same for every customer"));
    }
    if (r > R_ALPHA_BOUNDARY || alpha > R_ALPHA_BOUNDARY * Math.max(1.0, meanAge)) {
      warnings.add("boundary solution: r=" + r + ", alpha=" + alpha + " -> infinity (purchase rates nearly identical across customers)");
    }
    return warnings;
  }
}
