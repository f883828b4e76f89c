package io.rapport.models;

import java.io.Serializable;
import java.util.Optional;

/**
 * BG/NBD parameters (Fader, Hardie &amp; Lee 2005): purchase rates are gamma(r, alpha) across
 * customers, drop-out probabilities after each purchase beta(a, b). Times are in the model's
 * time unit. Holds the per-customer quantities of the paper; serializable so it can travel in a
 * Spark closure.
 */
public record BgNbdParameters(double r, double alpha, double a, double b) implements Serializable {

  public static final String R = "r";
  public static final String ALPHA = "alpha";
  public static final String A = "a";
  public static final String B = "b";

  public BgNbdParameters {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
      throw new IllegalArgumentException("BG/NBD parameters must be positive: r=" + r + ", alpha=" + alpha + ", a=" + a + ", b=" + b);
    }
  }

  /** The parameters of a converged BG/NBD fit; empty when the fit did not converge. */
  public static Optional<BgNbdParameters> from(ModelFit fit) {
    if (!fit.converged() || !ModelFit.BG_NBD.equals(fit.model())) {
      return Optional.empty();
    }
    return Optional.of(new BgNbdParameters(fit.parameter(R), fit.parameter(ALPHA), fit.parameter(A), fit.parameter(B)));
  }

  /** P(alive | x, t_x, T) (paper, equation 11); 1 for customers without repeat purchases. */
  public double probabilityAlive(double x, double tx, double age) {
    if (x == 0) {
      return 1.0;
    }
    return 1.0 / (1.0 + Math.exp(logDropoutOdds(x, tx, age)));
  }

  /**
   * E[X(t) | x, t_x, T]: expected purchases in the next {@code t} time units of a customer with
   * history (x, t_x, T) (paper, equation 10).
   *
   * <p>The 2F1 of the paper is rewritten with Euler's transformation,
   * {@code (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)},
   * whose series terms shrink with x instead of growing (no overflow for heavy buyers), and the
   * factor a-1 is divided out of the bracket analytically, so a = 1 is no singularity.
   */
  public double conditionalExpectedPurchases(double t, double x, double tx, double age) {
    if (t <= 0) {
      return 0;
    }
    if (a + b > SERIES_LIMIT) {
      return conditionalExpectedPurchasesByQuadrature(t, x, tx, age);
    }
    double series = conditionalExpectedPurchasesBySeries(t, x, tx, age);
    return Double.isFinite(series) ? series : conditionalExpectedPurchasesByQuadrature(t, x, tx, age);
  }

  /**
   * Above this a + b the hypergeometric series needs more than that many terms, and its
   * terms grow like e^(a z) before they shrink (overflow for a in the thousands): boundary
   * solutions with a, b -&gt; infinity end up there.
   */
  static final double SERIES_LIMIT = 500;

  /**
   * The same expectation as a one-dimensional integral, for any a, b: given the history, a
   * customer alive at T has lambda ~ gamma(r + x, alpha + T) and p ~ beta(a, b + x), and one with
   * (lambda, p) makes (1 - e^(-lambda p t)) / p purchases in t on average; integrating lambda
   * out gives (1 - ((alpha+T) / (alpha+T+p t))^(r+x)) / p, and p is integrated numerically
   * ({@link BetaQuadrature}). Multiplied by P(alive).
   */
  double conditionalExpectedPurchasesByQuadrature(double t, double x, double tx, double age) {
    double rx = r + x;
    double base = alpha + age;
    double perAlive = BetaQuadrature.expectation(
        p -> -Math.expm1(-rx * Math.log1p(p * t / base)) / p, a, b + x);
    return x == 0 ? perAlive : perAlive * probabilityAlive(x, tx, age);
  }

  /** Equation 10 by its hypergeometric series (see {@link #conditionalExpectedPurchases}). */
  double conditionalExpectedPurchasesBySeries(double t, double x, double tx, double age) {
    double c = a + b + x - 1;
    double z = t / (alpha + age + t);
    double lnOneMinusZ = Math.log((alpha + age) / (alpha + age + t));
    double eps = a - 1;
    // G = sum_{k>=1} (a+b-1-r)_k (a)_{k-1} / ((c)_k k!) z^k, i.e. (2F1(a+b-1-r, a-1; c; z) - 1) / (a-1)
    // seriesTail gives 2F1 - 1 = (a-1) G; divide the factor out (guarded near a = 1 below).
    double g = Hypergeometric.seriesTail(a + b - 1 - r, a - 1, c, z, 1.0);
    double gOverEps;
    if (Math.abs(eps) > 1e-6) {
      gOverEps = g / eps;
    } else {
      gOverEps = seriesWithoutFactor(a + b - 1 - r, c, z);
    }
    double bracket = -expm1OverEps(eps, lnOneMinusZ) - Math.exp(eps * lnOneMinusZ) * gOverEps;
    double numerator = c * bracket;
    if (x == 0) {
      return numerator;
    }
    return numerator / (1.0 + Math.exp(logDropoutOdds(x, tx, age)));
  }

  /** Unconditional E[X(t)]: expected purchases of a new customer in their first t time units (paper, equation 7). */
  public double expectedPurchases(double t) {
    return conditionalExpectedPurchases(t, 0, 0, 0);
  }

  /** ln( a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x) ): log odds of having dropped out, x &gt; 0. */
  private double logDropoutOdds(double x, double tx, double age) {
    return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + age) - Math.log(alpha + tx));
  }

  /** expm1(eps * l) / eps, continuous at eps = 0. */
  private static double expm1OverEps(double eps, double l) {
    if (Math.abs(eps * l) < 1e-300 || eps == 0) {
      return l;
    }
    return Math.expm1(eps * l) / eps;
  }

  /** sum_{k>=1} (p)_k (a)_{k-1} / ((c)_k k!) z^k, the series with the (a-1) factor of (a-1)_k removed. */
  private double seriesWithoutFactor(double p, double c, double z) {
    double term = p / c * z;
    double sum = 0;
    for (int k = 1; k <= Hypergeometric.MAX_TERMS; k++) {
      sum += term;
      // (p)_{k+1}/(p)_k = p+k; (a)_k/(a)_{k-1} = a+k-1; (c)_{k+1}/(c)_k = c+k; (k+1)!/k! = k+1
      double ratio = (p + k) * (a + k - 1) / ((c + k) * (k + 1)) * z;
      if ((term == 0 || Math.abs(term) <= 1e-16 * Math.abs(sum)) && Math.abs(ratio) < 1 && k > Math.abs(p) + a) {
        return sum;
      }
      term *= ratio;
    }
    return Double.NaN;
  }
}
