package io.rapport.models;

import java.util.function.DoubleUnaryOperator;

/**
 * E[f(p)] for p ~ Beta(a, b) by composite Gauss-Legendre quadrature over the log-odds
 * y = ln(p / (1 - p)), whose density, proportional to exp(a y) / (1 + exp(y))^(a + b), is smooth,
 * log-concave and bounded for every a, b &gt; 0 (no end-point singularity as in p for a &lt; 1).
 * The window is where the log-density is within {@link #LOG_DENSITY_SPAN} of its mode, and the
 * density is normalised by the same quadrature, so the rule is exact for constant f. It stays
 * accurate when a and b are huge (the distribution nearly a point), where hypergeometric series
 * in a and b overflow.
 */
final class BetaQuadrature {
  private BetaQuadrature() {}

  static final int POINTS = 16;
  static final int PANELS = 24;
  static final double LOG_DENSITY_SPAN = 45;
  private static final GaussLegendre RULE = new GaussLegendre(POINTS);
  private static final double[] NODES = RULE.nodes;
  private static final double[] WEIGHTS = RULE.weights;

  /** E[f(p)], p ~ Beta(a, b); f must be finite on (0, 1). */
  static double expectation(DoubleUnaryOperator f, double a, double b) {
    double mode = Math.log(a / b);
    double top = logDensity(mode, a, b);
    double scale = Math.sqrt(1 / a + 1 / b);
    double lo = edge(mode, -scale, top, a, b);
    double hi = edge(mode, scale, top, a, b);
    double width = (hi - lo) / PANELS;
    double mass = 0;
    double sum = 0;
    for (int panel = 0; panel < PANELS; panel++) {
      double centre = lo + (panel + 0.5) * width;
      for (int i = 0; i < POINTS; i++) {
        double y = centre + 0.5 * width * NODES[i];
        double w = WEIGHTS[i] * Math.exp(logDensity(y, a, b) - top);
        if (w == 0) {
          continue;
        }
        double p = y >= 0 ? 1 / (1 + Math.exp(-y)) : Math.exp(y) / (1 + Math.exp(y));
        mass += w;
        sum += w * f.applyAsDouble(p);
      }
    }
    return sum / mass;
  }

  /** Walks from the mode in steps that double until the log-density has dropped by the span. */
  private static double edge(double mode, double step, double top, double a, double b) {
    double y = mode + step;
    for (int i = 0; i < 200 && logDensity(y, a, b) - top > -LOG_DENSITY_SPAN; i++) {
      step *= 2;
      y = mode + step;
    }
    return y;
  }

  /** a y - (a + b) ln(1 + e^y), computed without overflow. */
  private static double logDensity(double y, double a, double b) {
    double softplus = y > 0 ? y + Math.log1p(Math.exp(-y)) : Math.log1p(Math.exp(y));
    return a * y - (a + b) * softplus;
  }
}
