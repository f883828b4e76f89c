package io.rapport.models;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The MBG/NBD log-likelihood (Batislam, Denizel &amp; Filiztekin 2007, equation 4) over weighted
 * (x, t_x, T) rows. MBG/NBD is BG/NBD with a drop-out chance at time 0 as well, right after the
 * first purchase, so one-time buyers can be dead too. Per customer, in log space:
 * {@code ln L = A1 + A2 + logsumexp(A3, A4)} with
 * {@code A1 = lnG(r+x) - lnG(r) + r ln(alpha)},
 * {@code A2 = lnG(a+b) + lnG(b+x+1) - lnG(b) - lnG(a+b+x+1)},
 * {@code A3 = -(r+x) ln(alpha+T)} and, for every x (also 0),
 * {@code A4 = ln(a) - ln(b+x) - (r+x) ln(alpha+t_x)}. The gradient is analytic; terms of one column
 * are computed once per distinct value, as in {@link BgNbdLikelihood}.
 */
public final class MbgNbdLikelihood {

  private final double[] weight;
  private final DistinctValues x;
  private final DistinctValues tx;
  private final DistinctValues t;
  private final double totalWeight;
  private final double repeatWeight;
  private final double weightedX;
  private final double weightedT;

  /** Same inputs and checks as {@link BgNbdLikelihood#BgNbdLikelihood}. */
  public MbgNbdLikelihood(double[] frequency, double[] recency, double[] age, double[] weight) {
    int n = frequency.length;
    if (recency.length != n || age.length != n || weight.length != n) {
      throw new IllegalArgumentException("Cannot build the MBG/NBD likelihood: arrays differ in length ("
          + n + ", " + recency.length + ", " + age.length + ", " + weight.length + ")");
    }
    double total = 0;
    double repeat = 0;
    double sx = 0;
    double st = 0;
    for (int i = 0; i < n; i++) {
      if (!(frequency[i] >= 0) || !(recency[i] >= 0) || !(age[i] >= recency[i]) || !(weight[i] >= 0)) {
        throw new IllegalArgumentException("Cannot build the MBG/NBD likelihood: row " + i + " has x=" + frequency[i]
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

  public double totalWeight() {
    return totalWeight;
  }

  public double repeatWeight() {
    return repeatWeight;
  }

  public double meanFrequency() {
    return totalWeight == 0 ? 0 : weightedX / totalWeight;
  }

  public double meanAge() {
    return totalWeight == 0 ? 0 : weightedT / totalWeight;
  }

  public int rows() {
    return weight.length;
  }

  public double logLikelihood(MbgNbdParameters p) {
    return evaluate(p.r(), p.alpha(), p.a(), p.b(), null);
  }

  /**
   * Log-likelihood at (r, alpha, a, b); when {@code gradient} is not null, writes
   * d lnL / d(r, alpha, a, b) into it.
   */
  public double evaluate(double r, double alpha, double a, double b, double[] gradient) {
    int nx = x.size();
    boolean withGradient = gradient != null;
    double lnAlpha = Math.log(alpha);
    double lgR = logGamma(r);
    double psiR = digamma(r);
    double lgAB = logGamma(a + b);
    double lgB = logGamma(b);
    double psiAB = digamma(a + b);
    double psiB = digamma(b);
    double lnA = Math.log(a);
    double[] a12 = new double[nx];
    double[] dA1dr = new double[nx];
    double[] dA2da = new double[nx];
    double[] dA2db = new double[nx];
    double[] a4c = new double[nx];
    double[] dA4db = new double[nx];
    for (int k = 0; k < nx; k++) {
      double xv = x.values[k];
      a12[k] = logGamma(r + xv) - lgR + r * lnAlpha + lgAB + logGamma(b + xv + 1) - lgB - logGamma(a + b + xv + 1);
      a4c[k] = lnA - Math.log(b + xv);
      if (withGradient) {
        double psiABX = digamma(a + b + xv + 1);
        dA1dr[k] = digamma(r + xv) - psiR + lnAlpha;
        dA2da[k] = psiAB - psiABX;
        dA2db[k] = psiAB + digamma(b + xv + 1) - psiB - psiABX;
        dA4db[k] = -1 / (b + xv);
      }
    }
    double[] lnAT = new double[t.size()];
    double[] invAT = new double[t.size()];
    for (int j = 0; j < lnAT.length; j++) {
      lnAT[j] = Math.log(alpha + t.values[j]);
      invAT[j] = 1 / (alpha + t.values[j]);
    }
    double[] lnATx = new double[tx.size()];
    double[] invATx = new double[tx.size()];
    for (int j = 0; j < lnATx.length; j++) {
      lnATx[j] = Math.log(alpha + tx.values[j]);
      invATx[j] = 1 / (alpha + tx.values[j]);
    }
    double[] sum = ChunkedSum.sum(weight.length, 5, (from, to, acc) -> {
      for (int i = from; i < to; i++) {
        double w = weight[i];
        if (w == 0) {
          continue;
        }
        int k = x.index[i];
        int jt = t.index[i];
        int jx = tx.index[i];
        double rx = r + x.values[k];
        double a3 = -rx * lnAT[jt];
        double a4 = a4c[k] - rx * lnATx[jx];
        double lse;
        double w3;
        double w4;
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
        acc[0] += w * (a12[k] + lse);
        if (withGradient) {
          acc[1] += w * (dA1dr[k] - w3 * lnAT[jt] - w4 * lnATx[jx]);
          acc[2] += w * (r / alpha - rx * (w3 * invAT[jt] + w4 * invATx[jx]));
          acc[3] += w * (dA2da[k] + w4 / a);
          acc[4] += w * (dA2db[k] + w4 * dA4db[k]);
        }
      }
    });
    if (withGradient) {
      System.arraycopy(sum, 1, gradient, 0, 4);
    }
    return sum[0];
  }
}
