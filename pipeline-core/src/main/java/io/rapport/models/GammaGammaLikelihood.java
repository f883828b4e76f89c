package io.rapport.models;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;


/**
 * The Gamma-Gamma log-likelihood of the mean repeat transaction value zbar of customers with x
 * &gt; 0 repeat transactions, over weighted (x, zbar) rows:
 * {@code ln L = lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln zbar + px ln x - (px+q) ln(v + x zbar)}
 * (the density of zbar; Fader &amp; Hardie, "The Gamma-Gamma Model of Monetary Value", 2013).
 * The gradient is analytic; terms of x alone are computed once per distinct x.
 */
public final class GammaGammaLikelihood {

  private final DistinctValues x;
  private final double[] zbar;
  private final double[] lnZbar;
  private final double[] weight;
  private final double totalWeight;
  private final double meanZbar;

  /** Rows need x &gt; 0 and zbar &gt; 0 (the fitting step filters the rest out). */
  public GammaGammaLikelihood(double[] frequency, double[] meanValue, double[] weight) {
    int n = frequency.length;
    if (meanValue.length != n || weight.length != n) {
      throw new IllegalArgumentException("Cannot build the Gamma-Gamma likelihood: arrays differ in length ("
          + n + ", " + meanValue.length + ", " + weight.length + ")");
    }
    double total = 0;
    double sz = 0;
    lnZbar = new double[n];
    for (int i = 0; i < n; i++) {
      if (!(frequency[i] > 0) || !(meanValue[i] > 0) || !Double.isFinite(meanValue[i]) || !(weight[i] >= 0)) {
        throw new IllegalArgumentException("Cannot build the Gamma-Gamma likelihood: row " + i + " has x=" + frequency[i]
            + ", zbar=" + meanValue[i] + ", weight=" + weight[i] + " (need x > 0, zbar > 0, weight >= 0)");
      }
      total += weight[i];
      sz += weight[i] * meanValue[i];
      lnZbar[i] = Math.log(meanValue[i]);
    }
    this.x = new DistinctValues(frequency);
    this.zbar = meanValue.clone();
    this.weight = weight.clone();
    this.totalWeight = total;
    this.meanZbar = total == 0 ? 0 : sz / total;
  }

  public double totalWeight() {
    return totalWeight;
  }

  /** Weighted mean of zbar. */
  public double meanValue() {
    return meanZbar;
  }

  public double logLikelihood(GammaGammaParameters params) {
    return evaluate(params.p(), params.q(), params.v(), null);
  }

  /** Log-likelihood; when {@code gradient} is not null, writes d lnL / d(p, q, v) into it. */
  public double evaluate(double p, double q, double v, double[] gradient) {
    int nx = x.size();
    double lgQ = logGamma(q);
    double psiQ = digamma(q);
    double lnV = Math.log(v);
    double[] constant = new double[nx];
    double[] psiDiff = new double[nx];
    double[] psiPxq = new double[nx];
    double[] lnX = new double[nx];
    for (int k = 0; k < nx; k++) {
      double px = p * x.values[k];
      lnX[k] = Math.log(x.values[k]);
      constant[k] = logGamma(px + q) - logGamma(px) - lgQ + q * lnV + px * lnX[k];
      if (gradient != null) {
        psiPxq[k] = digamma(px + q);
        psiDiff[k] = psiPxq[k] - digamma(px);
      }
    }
    int n = weight.length;
    boolean withGradient = gradient != null;
    double[] sum = ChunkedSum.sum(n, 4, (from, to, acc) -> {
      for (int i = from; i < to; i++) {
        double w = weight[i];
        if (w == 0) {
          continue;
        }
        int k = x.index[i];
        double xv = x.values[k];
        double px = p * xv;
        double s = v + xv * zbar[i];
        double lnS = Math.log(s);
        acc[0] += w * (constant[k] + (px - 1) * lnZbar[i] - (px + q) * lnS);
        if (withGradient) {
          acc[1] += w * xv * (psiDiff[k] + lnZbar[i] + lnX[k] - lnS);
          acc[2] += w * (psiPxq[k] - psiQ + lnV - lnS);
          acc[3] += w * (q / v - (px + q) / s);
        }
      }
    });
    if (gradient != null) {
      System.arraycopy(sum, 1, gradient, 0, 3);
    }
    return sum[0];
  }
}
