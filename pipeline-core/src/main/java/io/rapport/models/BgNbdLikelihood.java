package io.rapport.models;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;


/**
 * The BG/NBD log-likelihood (Fader, Hardie &amp; Lee 2005, equation 6) over weighted observations:
 * each row is a distinct (x, t_x, T) triple and its weight is the number of customers sharing it.
 *
 * <p>Per customer, in log space:
 * {@code ln L = A1 + A2 + logsumexp(A3, A4)} with
 * {@code A1 = lnG(r+x) - lnG(r) + r ln(alpha)},
 * {@code A2 = lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x)},
 * {@code A3 = -(r+x) ln(alpha+T)} and, only when x &gt; 0,
 * {@code A4 = ln(a) - ln(b+x-1) - (r+x) ln(alpha+t_x)}. The log-sum-exp keeps the sum of the two
 * likelihood parts finite where each part underflows. The gradient is analytic.
 *
 * <p>Terms that depend on x alone, on T alone or on t_x alone are computed once per distinct
 * value; the per-row work is one exp and one log1p, and large inputs are summed in parallel.
 */
public final class BgNbdLikelihood {

  private final double[] weight;
  private final DistinctValues x;
  private final DistinctValues tx;
  private final DistinctValues t;
  private final double totalWeight;
  private final double repeatWeight;
  private final double weightedX;
  private final double weightedT;

  /**
   * @param frequency x: repeat purchases (whole numbers &gt;= 0)
   * @param recency t_x: time of the last purchase since the first, 0 &lt;= t_x &lt;= T
   * @param age T: time from the first purchase to the end of observation
   * @param weight customers sharing the triple (&gt;= 0)
   */
  public BgNbdLikelihood(double[] frequency, double[] recency, double[] age, double[] weight) {
    int n = frequency.length;
    if (recency.length != n || age.length != n || weight.length != n) {
      throw new IllegalArgumentException("Cannot build the BG/NBD likelihood: arrays differ in length ("
          + n + ", " + recency.length + ", " + age.length + ", " + weight.length + ")");
    }
    double total = 0;
    double repeat = 0;
    double sx = 0;
    double st = 0;
    for (int i = 0; i < n; i++) {
      if (!(frequency[i] >= 0) || !(recency[i] >= 0) || !(age[i] >= recency[i]) || !(weight[i] >= 0)) {
        throw new IllegalArgumentException("Cannot build the BG/NBD likelihood: row " + i + " has x=" + frequency[i]
            + ", t_x=" + recency[i] + ", T=" + age[i] + ", weight=" + weight[i] + " (need x >= 0, 0 <= t_x <= T, weight >= 0)");
      }
      total += weight[i];
      sx += weight[i] * frequency[i];
      st += weight[i] * age[i];
      if (frequency[i] > 0) {
        repeat += weight[i];
      }
    }
    this.weight = weight.clone();
    this.x = new DistinctValues(frequency);
    this.tx = new DistinctValues(recency);
    this.t = new DistinctValues(age);
    this.totalWeight = total;
    this.repeatWeight = repeat;
    this.weightedX = sx;
    this.weightedT = st;
  }

  /** Customers in the likelihood (sum of weights). */
  public double totalWeight() {
    return totalWeight;
  }

  /** Customers with at least one repeat purchase (sum of weights where x &gt; 0). */
  public double repeatWeight() {
    return repeatWeight;
  }

  /** Weighted mean of x. */
  public double meanFrequency() {
    return totalWeight == 0 ? 0 : weightedX / totalWeight;
  }

  /** Weighted mean of T. */
  public double meanAge() {
    return totalWeight == 0 ? 0 : weightedT / totalWeight;
  }

  /** Distinct (x, t_x, T) rows. */
  public int rows() {
    return weight.length;
  }

  /** Log-likelihood at (r, alpha, a, b). */
  public double logLikelihood(BgNbdParameters p) {
    return evaluate(p.r(), p.alpha(), p.a(), p.b(), null);
  }

  /**
   * Log-likelihood at (r, alpha, a, b); when {@code gradient} is not null, writes
   * d lnL / d(r, alpha, a, b) into it.
   */
  public double evaluate(double r, double alpha, double a, double b, double[] gradient) {
    int nx = x.size();
    double lnAlpha = Math.log(alpha);
    double lgR = logGamma(r);
    double psiR = digamma(r);
    double lgAB = logGamma(a + b);
    double lgB = logGamma(b);
    double psiAB = digamma(a + b);
    double psiB = digamma(b);
    double lnA = Math.log(a);
    // Per distinct x
    double[] a12 = new double[nx];
    double[] dA1dr = new double[nx];
    double[] dA2da = new double[nx];
    double[] dA2db = new double[nx];
    double[] a4c = new double[nx];
    double[] dA4db = new double[nx];
    for (int k = 0; k < nx; k++) {
      double xv = x.values[k];
      a12[k] = logGamma(r + xv) - lgR + r * lnAlpha + lgAB + logGamma(b + xv) - lgB - logGamma(a + b + xv);
      if (gradient != null) {
        double psiABX = digamma(a + b + xv);
        dA1dr[k] = digamma(r + xv) - psiR + lnAlpha;
        dA2da[k] = psiAB - psiABX;
        dA2db[k] = psiAB + digamma(b + xv) - psiB - psiABX;
      }
      if (xv > 0) {
        a4c[k] = lnA - Math.log(b + xv - 1);
        dA4db[k] = -1 / (b + xv - 1);
      } else {
        a4c[k] = Double.NEGATIVE_INFINITY;
      }
    }
    double[] lnAT = logShifted(t.values, alpha);
    double[] invAT = inverseShifted(t.values, alpha);
    double[] lnATx = logShifted(tx.values, alpha);
    double[] invATx = inverseShifted(tx.values, alpha);
    int n = weight.length;
    boolean withGradient = gradient != null;
    double[] sum = ChunkedSum.sum(n, 5, (from, to, acc) -> {
      for (int i = from; i < to; i++) {
        double w = weight[i];
        if (w == 0) {
          continue;
        }
        int k = x.index[i];
        double rx = r + x.values[k];
        int jt = t.index[i];
        double a3 = -rx * lnAT[jt];
        double lse;
        double w3 = 1;
        double w4 = 0;
        int jx = tx.index[i];
        if (a4c[k] == Double.NEGATIVE_INFINITY) {
          lse = a3;
        } else {
          double a4 = a4c[k] - rx * lnATx[jx];
          if (a3 >= a4) {
            double e = Math.exp(a4 - a3);
            lse = a3 + Math.log1p(e);
            w4 = e / (1 + e);
            w3 = 1 - w4;
          } else {
            double e = Math.exp(a3 - a4);
            lse = a4 + Math.log1p(e);
            w3 = e / (1 + e);
            w4 = 1 - w3;
          }
        }
        acc[0] += w * (a12[k] + lse);
        if (withGradient) {
          acc[1] += w * (dA1dr[k] - w3 * lnAT[jt] - w4 * lnATx[jx]);
          acc[2] += w * (r / alpha - rx * (w3 * invAT[jt] + w4 * invATx[jx]));
          acc[3] += w * (dA2da[k] + w4 / a);
          acc[4] += w * (dA2db[k] + w4 * dA4db[k]);
        }
      }
    });
    if (gradient != null) {
      System.arraycopy(sum, 1, gradient, 0, 4);
    }
    return sum[0];
  }

  /**
   * Log-likelihood of one customer, computed directly from the formula without any sharing;
   * a reference for tests of the weighted sum.
   */
  public static double customerLogLikelihood(BgNbdParameters p, double x, double tx, double age) {
    double r = p.r();
    double alpha = p.alpha();
    double a = p.a();
    double b = p.b();
    double a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
    double a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
    double a3 = -(r + x) * Math.log(alpha + age);
    if (x == 0) {
      return a1 + a2 + a3;
    }
    double a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
    double m = Math.max(a3, a4);
    return a1 + a2 + m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m));
  }

  private static double[] logShifted(double[] values, double shift) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.log(shift + values[i]);
    }
    return out;
  }

  private static double[] inverseShifted(double[] values, double shift) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = 1 / (shift + values[i]);
    }
    return out;
  }
}
