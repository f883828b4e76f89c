package io.rapport.models;

import java.util.ArrayList;
import java.util.List;

/**
 * Maximum-likelihood fit of the MBG/NBD model on weighted (x, t_x, T) observations, through the
 * same optimiser, standard errors and failure handling as {@link BgNbd} ({@link LogScaleFit}),
 * with the same boundary warnings (the drop-out parameters a, b mean the same in both models).
 */
public final class MbgNbd {
  private MbgNbd() {}

  private static final String[] NAMES = {MbgNbdParameters.R, MbgNbdParameters.ALPHA, MbgNbdParameters.A, MbgNbdParameters.B};

  /** Fits the model; arguments as {@link BgNbd#fit(double[], double[], double[], double[], int)}. */
  public static ModelFit fit(double[] frequency, double[] recency, double[] age, double[] weight, int minRepeatCustomers) {
    MbgNbdLikelihood likelihood;
    try {
      likelihood = new MbgNbdLikelihood(frequency, recency, age, weight);
    } catch (IllegalArgumentException e) {
      return ModelFit.failed(ModelNames.MBG_NBD, 0, e.getMessage());
    }
    return fit(likelihood, minRepeatCustomers);
  }

  /** Fits the model on a prepared likelihood. */
  public static ModelFit fit(MbgNbdLikelihood likelihood, int minRepeatCustomers) {
    long customers = Math.round(likelihood.totalWeight());
    long repeat = Math.round(likelihood.repeatWeight());
    int needed = Math.max(1, minRepeatCustomers);
    if (repeat < needed) {
      return ModelFit.failed(ModelNames.MBG_NBD, customers, "too few repeat buyers: " + repeat + " of " + customers
          + " customers made a repeat purchase, at least " + needed + " needed");
    }
    double meanRate = Math.max(likelihood.meanFrequency(), 1e-3) / Math.max(likelihood.meanAge(), 1e-3);
    double[] start = {1.0, 1.0 / meanRate, 1.0, 1.0};
    double meanAge = likelihood.meanAge();
    return LogScaleFit.fit(ModelNames.MBG_NBD, NAMES, start, likelihood.totalWeight(),
        (p, g) -> likelihood.evaluate(p[0], p[1], p[2], p[3], g),
        p -> boundaryWarnings(p[0], p[1], p[2], p[3], meanAge));
  }

  static List<String> boundaryWarnings(double r, double alpha, double a, double b, double meanAge) {
    List<String> warnings = new ArrayList<>();
    if (a < BgNbd.A_BOUNDARY) {
      warnings.add("boundary solution: a=" + a + " -> 0 (customers almost never drop out)");
    }
    String dropout = BgNbd.dropoutBoundaryWarning(a, b);
    if (dropout != null) {
      warnings.add(dropout);
    }
    if (r > BgNbd.R_ALPHA_BOUNDARY || alpha > BgNbd.R_ALPHA_BOUNDARY * Math.max(1.0, meanAge)) {
      warnings.add("boundary solution: r=" + r + ", alpha=" + alpha + " -> infinity (purchase rates nearly identical across customers)");
    }
    return warnings;
  }
}
