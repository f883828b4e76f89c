package io.rapport.models;

import java.util.Optional;

/**
 * BG/NBD parameters (Fader, Hardie &amp; Lee 2005): purchase rates are gamma(r, alpha) across
 * customers, drop-out probabilities after each purchase beta(a, b). Times are in the model's
 * time unit. Holds the per-customer quantities of the paper; serializable so it can travel in a
 * Spark closure.
 */
public record BgNbdParameters(double r, double alpha, double a, double b) implements PurchaseModel {

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
    double ifAlive = expectedPurchasesIfAlive(t, x, age);
    return x == 0 ? ifAlive : ifAlive / (1.0 + Math.exp(logDropoutOdds(x, tx, age)));
  }

  /**
   * E[X(t) | x, T, alive at T]: the conditional expectation before the factor P(alive). By the
   * hypergeometric series while a + b is small enough to sum it; beyond that by the closed-form
   * fixed drop-out limit ({@link #expectedPurchasesIfAliveAtDropoutLimit}) when the posterior of
   * the drop-out probability is concentrated enough for it to be exact to double precision in
   * practice, else by quadrature over that posterior. A caller predicting several horizons can
   * compute P(alive) once and multiply (P(alive) is 1 for x = 0).
   */
  public double expectedPurchasesIfAlive(double t, double x, double age) {
    if (t <= 0) {
      return 0;
    }
    if (a + b > SERIES_LIMIT) {
      return dropoutLimitApplies(t, x, age)
          ? expectedPurchasesIfAliveAtDropoutLimit(t, x, age)
          : expectedPurchasesIfAliveByQuadrature(t, x, age);
    }
    double series = expectedPurchasesIfAliveBySeries(t, x, age);
    return Double.isFinite(series) ? series : expectedPurchasesIfAliveByQuadrature(t, x, age);
  }

  /**
   * Above this a + b the hypergeometric series needs more than that many terms, and its
   * terms grow like e^(a z) before they shrink (overflow for a in the thousands): boundary
   * solutions with a, b -&gt; infinity end up there.
   */
  static final double SERIES_LIMIT = 500;

  /**
   * The closed-form limit is used when its estimated relative error (the neglected third- and
   * fourth-order terms of its expansion, see {@link #dropoutLimitApplies}) is below this.
   */
  static final double DROPOUT_LIMIT_ERROR = 1e-10;

  /**
   * The same expectation as a one-dimensional integral, for any a, b: given the history, a
   * customer alive at T has lambda ~ gamma(r + x, alpha + T) and p ~ beta(a, b + x), and one with
   * (lambda, p) makes (1 - e^(-lambda p t)) / p purchases in t on average; integrating lambda
   * out gives (1 - ((alpha+T) / (alpha+T+p t))^(r+x)) / p, and p is integrated numerically
   * ({@link BetaQuadrature}). Multiplied by P(alive).
   */
  double conditionalExpectedPurchasesByQuadrature(double t, double x, double tx, double age) {
    double perAlive = expectedPurchasesIfAliveByQuadrature(t, x, age);
    return x == 0 ? perAlive : perAlive * probabilityAlive(x, tx, age);
  }

  double expectedPurchasesIfAliveByQuadrature(double t, double x, double age) {
    double rx = r + x;
    double base = alpha + age;
    double u = t / base;
    // savings() is continuous at p = 0, where a tiny a puts quadrature nodes (p underflows).
    return BetaQuadrature.expectation(p -> u * savings(rx, p * u), a, b + x);
  }

  /**
   * The boundary a, b -&gt; infinity with a/(a+b) fixed (the same drop-out probability for every
   * customer), in closed form. Write f(p) = (1 - (1 + p u)^-(r+x)) / p with u = t/(alpha+T), the
   * expectation given alive and drop-out probability p (see the quadrature above); the posterior of
   * p is beta(a, b+x) with mean m = a/(a+b+x) and variance v = m (1-m) / (a+b+x+1), so
   * E[f(p)] = f(m) + f''(m) v / 2 + O(third central moment). In the limit v -&gt; 0 this is f(m), the
   * fixed-probability model; the second term keeps it exact at the large but finite a, b an
   * optimiser stops at. Costs a few exp/log per call, like the interior series.
   */
  double expectedPurchasesIfAliveAtDropoutLimit(double t, double x, double age) {
    double rx = r + x;
    double u = t / (alpha + age);
    double n = a + b + x;
    double m = a / n;
    double variance = m * (1 - m) / (n + 1);
    double y = m * u;
    double f = u * savings(rx, y);
    return f + 0.5 * u * u * u * savingsSecondDerivative(rx, y) * variance;
  }

  /**
   * True when the expansion of {@link #expectedPurchasesIfAliveAtDropoutLimit} is accurate. In
   * units of the posterior's standard deviation sd, f changes on a relative scale of at most
   * {@code spread = min(sd/m, sd (r+x+3) u)}: f varies on the scale of p itself, and its relative
   * curvature is about (r+x+3) u. The first neglected terms are then about
   * {@code spread^3 |skewness| / 6} and {@code spread^4 / 8}.
   */
  boolean dropoutLimitApplies(double t, double x, double age) {
    double bx = b + x;
    double n = a + bx;
    double m = a / n;
    double sd = Math.sqrt(m * (1 - m) / (n + 1));
    double u = t / (alpha + age);
    double spread = Math.min(sd / m, sd * (r + x + 3) * u);
    double skewness = 2 * Math.abs(bx - a) * Math.sqrt(n + 1) / ((n + 2) * Math.sqrt(a * bx));
    double spread3 = spread * spread * spread;
    return spread3 * skewness / 6 + spread3 * spread / 8 < DROPOUT_LIMIT_ERROR;
  }

  /** h(y) = (1 - (1+y)^-k) / y, continuous at y = 0 (value k). */
  static double savings(double k, double y) {
    if (y == 0) {
      return k;
    }
    return -Math.expm1(-k * Math.log1p(y)) / y;
  }

  /**
   * h''(y) for h of {@link #savings}: by its power series near 0 (where the closed form cancels),
   * else h'' = g''/y - 2 g'/y^2 + 2 g/y^3 with g = 1 - (1+y)^-k.
   */
  static double savingsSecondDerivative(double k, double y) {
    if (y * (k + 3) < 0.25) {
      // h(y) = sum_j (-1)^j (k)_(j+1)/(j+1)! y^j, so h'' = sum_{j>=2} (-1)^j (k)_(j+1)/(j+1)! j (j-1) y^(j-2)
      double coefficient = k * (k + 1) * (k + 2) / 6; // (k)_3 / 3!
      double power = 1;
      double sum = 0;
      for (int j = 2; j < 60; j++) {
        double term = coefficient * j * (j - 1) * power;
        sum += (j % 2 == 0) ? term : -term;
        if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
          break;
        }
        coefficient *= (k + j + 1) / (j + 2);
        power *= y;
      }
      return sum;
    }
    double g = -Math.expm1(-k * Math.log1p(y));
    double g1 = k * Math.exp(-(k + 1) * Math.log1p(y));
    double g2 = -k * (k + 1) * Math.exp(-(k + 2) * Math.log1p(y));
    return g2 / y - 2 * g1 / (y * y) + 2 * g / (y * y * y);
  }

  /** Equation 10 by its hypergeometric series (see {@link #conditionalExpectedPurchases}). */
  double conditionalExpectedPurchasesBySeries(double t, double x, double tx, double age) {
    double numerator = expectedPurchasesIfAliveBySeries(t, x, age);
    if (x == 0) {
      return numerator;
    }
    return numerator / (1.0 + Math.exp(logDropoutOdds(x, tx, age)));
  }

  /** The bracket of equation 10 times (a+b+x-1): the expectation given alive at T. */
  double expectedPurchasesIfAliveBySeries(double t, double x, double age) {
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
    return c * bracket;
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
