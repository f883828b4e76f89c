package io.rapport.models;

/**
 * The integral behind the Pareto/NBD likelihood and P(alive) (Fader &amp; Hardie 2005, "A Note on
 * Deriving the Pareto/NBD Model and Related Expressions", equations 18-22):
 * {@code F(y) = integral from y to infinity of (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau}, so that
 * the likelihood's second part {@code s (F(t_x) - F(T))} is the chance of dying between t_x and T.
 * The note writes F with a Gaussian hypergeometric function whose argument is
 * {@code z = |alpha-beta| / (max(alpha, beta) + y)}, with the parameters chosen by which of alpha,
 * beta is larger (so that 0 &lt;= z &lt; 1 in both regimes).
 *
 * <p>Call the factor with the larger scale "big" (scale {@code B = max(alpha, beta) + y},
 * exponent {@code pB}) and the other "small" ({@code S = min + y}, exponent {@code pS}); then
 * {@code pB + pS = r + s + x + 1 = c}. After Euler's transformation the note's 2F1 becomes
 * {@code F = B^-pB S^-(pS-1) / (c-1) * E}, {@code E = 2F1(1, pB; c; z) = sum_k (pB)_k / (c)_k z^k}: a series
 * of positive terms whose ratio {@code z (pB+k)/(c+k)} is below z from the first term, so it neither
 * overflows for heavy buyers nor cancels, and needs at most ln(eps)/ln(z) terms. Its parameter
 * derivatives are summed along with it (digamma differences as running sums of 1/(p+j)), which
 * gives an analytic gradient.
 *
 * <p>Near z = 1 (y small against |alpha - beta|) every series converges slowly. There, F is split at
 * the point Y where z(Y) = {@link #SERIES_LIMIT}: F(Y) by the series, and the integral from y to Y
 * by Gauss-Legendre quadrature in u = ln(S + tau), where the integrand is exp of a concave
 * function; the quadrature window is where that exponent is within {@link #SPAN} of its maximum and
 * panels are narrow enough for the exponent to change by at most {@link #PANEL_DROP} in each. The
 * quadrature differentiates under the integral sign, so the gradient is analytic there too.
 * Everything is in log space: F underflows doubles for heavy buyers.
 */
final class ParetoNbdIntegral {

  /** Above this z the part of the integral near y is integrated numerically. */
  static final double SERIES_LIMIT = 0.5;
  /** The quadrature ignores where the integrand is below e^-SPAN of its maximum. */
  static final double SPAN = 42;
  /** Largest change of the log-integrand across one quadrature panel. */
  static final double PANEL_DROP = 6;
  /** Widest panel in u: the log-integrand has complex singularities at distance pi. */
  static final double PANEL_WIDTH = 2.5;
  static final int MAX_TERMS = 100_000;
  private static final GaussLegendre RULE = new GaussLegendre(16);
  private static final GaussLegendre SHORT_RULE = new GaussLegendre(6);

  private final double r;
  private final double s;
  private final boolean alphaIsBig;
  private final double big;
  private final double small;
  private final double gap;

  ParetoNbdIntegral(double r, double alpha, double s, double beta) {
    this.r = r;
    this.s = s;
    this.alphaIsBig = alpha >= beta;
    this.big = Math.max(alpha, beta);
    this.small = Math.min(alpha, beta);
    this.gap = big - small;
  }

  /** True when F at this y needs the quadrature part (z above the series limit). */
  boolean needsQuadrature(double y) {
    return gap > SERIES_LIMIT * (big + y);
  }

  /**
   * ln F(Y) at the split point Y of {@link #SERIES_LIMIT} for purchase count x (the same for every
   * y of that x, so callers with many y may compute it once); gradient as in {@link #logTail}.
   */
  double logTailAtSplit(double x, double[] gradient) {
    if (gap == 0) {
      return Double.NaN;
    }
    double bigAtSplit = gap / SERIES_LIMIT;
    double smallAtSplit = bigAtSplit - gap;
    double[] g = gradient == null ? null : new double[4];
    double value = series(bigExponent(x), smallExponent(x), bigAtSplit, smallAtSplit, g);
    toModelOrder(g, gradient);
    return value;
  }

  /** ln F(y) for purchase count x; when gradient is not null, d lnF/d(r, alpha, s, beta) into it. */
  double logTail(double x, double y, double[] gradient) {
    if (!needsQuadrature(y)) {
      double[] g = gradient == null ? null : new double[4];
      double value = series(bigExponent(x), smallExponent(x), big + y, small + y, g);
      toModelOrder(g, gradient);
      return value;
    }
    double[] splitGradient = gradient == null ? null : new double[4];
    double atSplit = logTailAtSplit(x, splitGradient);
    return logTail(x, y, gradient, atSplit, splitGradient);
  }

  /** As {@link #logTail(double, double, double[])}, with F(Y) precomputed by {@link #logTailAtSplit}. */
  double logTail(double x, double y, double[] gradient, double logAtSplit, double[] gradientAtSplit) {
    if (!needsQuadrature(y)) {
      return logTail(x, y, gradient);
    }
    double[] part = gradient == null ? null : new double[4];
    double logPart = logIntegralBetween(x, y, splitPoint(), part);
    return combine(logAtSplit, gradientAtSplit, logPart, part, gradient);
  }

  /** Y, the y at which z(y) = {@link #SERIES_LIMIT} (NaN when alpha = beta). */
  double splitPoint() {
    return gap / SERIES_LIMIT - big;
  }

  /**
   * ln F(lower) = ln(F(upper) + integral from lower to upper), given ln F(upper) and its gradient:
   * how a caller walks down the sorted y of one x, each step integrating only the gap to the
   * previous y (with {@link #logIntegralBetween}).
   */
  static double combine(double logUpper, double[] gradientUpper, double logPart, double[] gradientPart, double[] gradient) {
    double logTotal = logAddExp(logUpper, logPart);
    if (gradient != null) {
      double wUpper = Math.exp(logUpper - logTotal);
      double wPart = Math.exp(logPart - logTotal);
      for (int j = 0; j < 4; j++) {
        gradient[j] = wUpper * gradientUpper[j] + wPart * gradientPart[j];
      }
    }
    return logTotal;
  }

  /**
   * ln of the integral from y0 to y1 (0 &lt;= y0 &lt; y1 &lt;= Y) by Gauss-Legendre in u = ln(S + tau);
   * when gradient is not null, d ln(integral)/d(r, alpha, s, beta) into it (differentiated under
   * the integral sign, limits fixed).
   */
  double logIntegralBetween(double x, double y0, double y1, double[] gradient) {
    double pB = bigExponent(x);
    double pS = smallExponent(x);
    double u0 = Math.log(small + y0);
    double u1 = Math.log(small + y1);
    double slopeConstant = 1 - pS;
    // The log-integrand g(u) = (1 - pS) u - pB ln(gap + e^u) is concave; its maximum:
    double top;
    double w = slopeConstant / pB;
    if (w <= 0) {
      top = u0;
    } else if (w >= 1) {
      top = u1;
    } else {
      top = Math.min(u1, Math.max(u0, Math.log(gap * w / (1 - w))));
    }
    double peak = logIntegrand(top, pB, pS);
    double lo = edge(u0, top, peak - SPAN, pB, pS);
    double hi = edge(u1, top, peak - SPAN, pB, pS);
    double slope = Math.max(Math.abs(slope(lo, pB, pS)), Math.abs(slope(hi, pB, pS)));
    double width = hi - lo;
    double drop = slope * width;
    // Short, nearly flat intervals (neighbouring y of one x) need few nodes.
    GaussLegendre rule = drop < 0.5 && width < 0.1 ? SHORT_RULE : RULE;
    int panels = (int) Math.min(2000, Math.max(1, Math.ceil(Math.max(drop / PANEL_DROP, width / PANEL_WIDTH))));
    double h = width / panels;
    double mass = 0;
    double logBigMoment = 0;
    double logSmallMoment = 0;
    double inverseBigMoment = 0;
    double inverseSmallMoment = 0;
    double[] nodes = rule.nodes;
    double[] weights = rule.weights;
    for (int panel = 0; panel < panels; panel++) {
      double centre = lo + (panel + 0.5) * h;
      for (int i = 0; i < nodes.length; i++) {
        double u = centre + 0.5 * h * nodes[i];
        double smallScale = Math.exp(u);
        double bigScale = gap + smallScale;
        double lnBig = Math.log(bigScale);
        double v = weights[i] * Math.exp(slopeConstant * u - pB * lnBig - peak);
        mass += v;
        if (gradient != null) {
          logBigMoment += v * lnBig;
          logSmallMoment += v * u;
          inverseBigMoment += v / bigScale;
          inverseSmallMoment += v / smallScale;
        }
      }
    }
    if (gradient != null) {
      double[] q = {
          -logBigMoment / mass, -logSmallMoment / mass, -pB * inverseBigMoment / mass, -pS * inverseSmallMoment / mass};
      toModelOrder(q, gradient);
    }
    return peak + Math.log(0.5 * h * mass);
  }

  private double bigExponent(double x) {
    return alphaIsBig ? r + x : s + 1;
  }

  private double smallExponent(double x) {
    return alphaIsBig ? s + 1 : r + x;
  }

  /** (pB, pS, B, S) derivatives to (r, alpha, s, beta). */
  private void toModelOrder(double[] g, double[] out) {
    if (g == null || out == null) {
      return;
    }
    double dPB = g[0];
    double dPS = g[1];
    double dB = g[2];
    double dS = g[3];
    if (alphaIsBig) {
      out[0] = dPB;
      out[1] = dB;
      out[2] = dPS;
      out[3] = dS;
    } else {
      out[0] = dPS;
      out[1] = dS;
      out[2] = dPB;
      out[3] = dB;
    }
  }

  /**
   * ln F by the Euler-transformed series at scales (bigScale, smallScale) = (B, S); gradient with
   * respect to (pB, pS, B, S) when g is not null.
   */
  static double series(double pB, double pS, double bigScale, double smallScale, double[] g) {
    double c = pB + pS;
    double a = c - 1;
    double z = (bigScale - smallScale) / bigScale;
    double oneMinusZ = smallScale / bigScale;
    double term = 1;
    double sum = 1;
    double sumP = 0;
    double sumC = 0;
    double sumK = 0;
    double psiP = 0;
    double psiC = 0;
    boolean settled = z == 0;
    for (int k = 0; k < MAX_TERMS && !settled; k++) {
      psiP += 1 / (pB + k);
      psiC += 1 / (c + k);
      term *= (pB + k) / (c + k) * z;
      sum += term;
      sumP += term * psiP;
      sumC += term * psiC;
      sumK += (k + 1) * term;
      // Every later ratio is below z, so the rest is below term z / (1 - z); the derivative sums
      // carry factors growing at most like k and the digamma differences.
      double rest = term * z / oneMinusZ * (2 + k + psiP + psiC + 1 / oneMinusZ);
      settled = rest <= 1e-17 * sum || term == 0;
    }
    if (!settled) {
      return Double.NaN;
    }
    double logSum = Math.log(sum);
    double value = -pB * Math.log(bigScale) - (pS - 1) * Math.log(smallScale) - Math.log(a) + logSum;
    if (g != null) {
      double gP = sumP / sum;
      double gC = sumC / sum;
      double gZ = z == 0 ? pB / c : sumK / (z * sum);
      g[0] = -Math.log(bigScale) - 1 / a + gP - gC;
      g[1] = -Math.log(smallScale) - 1 / a - gC;
      g[2] = -pB / bigScale + gZ * smallScale / (bigScale * bigScale);
      g[3] = -(pS - 1) / smallScale - gZ / bigScale;
    }
    return value;
  }

  private double logIntegrand(double u, double pB, double pS) {
    return (1 - pS) * u - pB * Math.log(gap + Math.exp(u));
  }

  private double slope(double u, double pB, double pS) {
    double e = Math.exp(u);
    return (1 - pS) - pB * e / (gap + e);
  }

  /**
   * The point between {@code end} and {@code top} where the log-integrand reaches {@code target},
   * or {@code end} when it is above the target there. Newton's method from the end: on a concave
   * function it approaches the crossing monotonically from outside.
   */
  private double edge(double end, double top, double target, double pB, double pS) {
    if (end == top || logIntegrand(end, pB, pS) >= target) {
      return end;
    }
    double u = end;
    for (int i = 0; i < 60; i++) {
      double shortfall = target - logIntegrand(u, pB, pS);
      if (shortfall < 0.25) {
        break;
      }
      double next = u + shortfall / slope(u, pB, pS);
      if (!(Math.abs(next - top) < Math.abs(u - top)) || !Double.isFinite(next)) {
        break;
      }
      u = next;
    }
    return u;
  }

  static double logAddExp(double a, double b) {
    double m = Math.max(a, b);
    if (m == Double.NEGATIVE_INFINITY) {
      return m;
    }
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  }
}
