package io.rapport.models;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The Pareto/NBD log-likelihood (Schmittlein, Morrison &amp; Colombo 1987; written as in Fader &amp;
 * Hardie 2005, "A Note on Deriving the Pareto/NBD Model and Related Expressions", equation 22)
 * over weighted observations: each row is a distinct (x, t_x, T) triple and its weight the number
 * of customers sharing it.
 *
 * <p>Per customer, {@code L = G(r+x) alpha^r beta^s / G(r) * [ (alpha+T)^-(r+x) (beta+T)^-s + s (F(t_x) - F(T)) ]}
 * with F the tail integral of {@link ParetoNbdIntegral} (alive at T, or died between t_x and T).
 * In log space the bracket is {@code e^A + e^B1 - e^B2}; since {@code s F(T) <= (alpha+T)^-(r+x) (beta+T)^-s}
 * (the integrand is below {@code (alpha+T)^-(r+x) (beta+tau)^-(s+1)}), the subtraction never loses
 * more than rounding of the first term. The gradient is analytic.
 *
 * <p>F depends on (x, y) with y one of t_x and T: it is evaluated once per distinct (x, y) pair,
 * grouped by x (in parallel over x). Where a pair needs the quadrature part (y small against
 * |alpha - beta|), the pairs of one x are walked down from the split point in decreasing y, each
 * integrating only the short stretch to the previous y, so a population whose optimum puts most
 * pairs there costs a few nodes per pair. Terms of x alone are computed once per distinct x, and
 * the rows are summed in fixed chunks ({@link ChunkedSum}) so the result does not depend on thread
 * timing.
 */
public final class ParetoNbdLikelihood {

  private final double[] weight;
  private final DistinctValues x;
  private final DistinctValues age;
  private final double[] pairX;
  private final int[] pairXIndex;
  /** Pairs are sorted by x, then y: those of distinct x number k are groupStart[k] until groupStart[k + 1]. */
  private final int[] groupStart;
  private final double[] pairY;
  private final int[] recencyPair;
  private final int[] agePair;
  private final double totalWeight;
  private final double repeatWeight;
  private final double weightedX;
  private final double weightedT;

  /** Same inputs and checks as {@link BgNbdLikelihood#BgNbdLikelihood}. */
  public ParetoNbdLikelihood(double[] frequency, double[] recency, double[] age, double[] weight) {
    int n = frequency.length;
    if (recency.length != n || age.length != n || weight.length != n) {
      throw new IllegalArgumentException("Cannot build the Pareto/NBD likelihood: arrays differ in length ("
          + n + ", " + recency.length + ", " + age.length + ", " + weight.length + ")");
    }
    double total = 0;
    double repeat = 0;
    double sx = 0;
    double st = 0;
    for (int i = 0; i < n; i++) {
      if (!(frequency[i] >= 0) || !(recency[i] >= 0) || !(age[i] >= recency[i]) || !(weight[i] >= 0)
          || !Double.isFinite(age[i]) || !Double.isFinite(frequency[i])) {
        throw new IllegalArgumentException("Cannot build the Pareto/NBD likelihood: row " + i + " has x=" + frequency[i]
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
    this.age = new DistinctValues(age);
    // Distinct (x, y) pairs over y in {t_x, T}: key = x index * (distinct y) + y index.
    double[] ys = new double[2 * n];
    System.arraycopy(recency, 0, ys, 0, n);
    System.arraycopy(age, 0, ys, n, n);
    DistinctValues y = new DistinctValues(ys);
    long ny = y.size();
    long[] keys = new long[2 * n];
    for (int i = 0; i < n; i++) {
      keys[i] = x.index[i] * ny + y.index[i];
      keys[n + i] = x.index[i] * ny + y.index[n + i];
    }
    long[] distinct = Arrays.stream(keys).sorted().distinct().toArray();
    this.pairX = new double[distinct.length];
    this.pairXIndex = new int[distinct.length];
    this.pairY = new double[distinct.length];
    for (int k = 0; k < distinct.length; k++) {
      pairXIndex[k] = (int) (distinct[k] / ny);
      pairX[k] = x.values[pairXIndex[k]];
      pairY[k] = y.values[(int) (distinct[k] % ny)];
    }
    this.groupStart = new int[x.size() + 1];
    for (int k = 0, xi = 0; xi <= x.size(); xi++) {
      while (k < distinct.length && pairXIndex[k] < xi) {
        k++;
      }
      groupStart[xi] = k;
    }
    this.recencyPair = new int[n];
    this.agePair = new int[n];
    for (int i = 0; i < n; i++) {
      recencyPair[i] = Arrays.binarySearch(distinct, keys[i]);
      agePair[i] = Arrays.binarySearch(distinct, keys[n + i]);
    }
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

  /** Distinct (x, t_x, T) rows. */
  public int rows() {
    return weight.length;
  }

  /** Distinct (x, y) pairs at which the tail integral is evaluated. */
  public int tailPairs() {
    return pairX.length;
  }

  public double logLikelihood(ParetoNbdParameters p) {
    return evaluate(p.r(), p.alpha(), p.s(), p.beta(), null);
  }

  /**
   * Log-likelihood at (r, alpha, s, beta); when {@code gradient} is not null, writes
   * d lnL / d(r, alpha, s, beta) into it.
   */
  public double evaluate(double r, double alpha, double s, double beta, double[] gradient) {
    boolean withGradient = gradient != null;
    ParetoNbdIntegral integral = new ParetoNbdIntegral(r, alpha, s, beta);
    int nx = x.size();
    // F at the split point depends on x only: once per distinct x, used by pairs near z = 1.
    double[] splitLog = new double[nx];
    double[][] splitGradient = new double[nx][];
    for (int k = 0; k < nx; k++) {
      splitGradient[k] = new double[4];
      splitLog[k] = integral.logTailAtSplit(x.values[k], splitGradient[k]);
    }
    int pairs = pairX.length;
    double[] logTail = new double[pairs];
    double[] tailGradient = withGradient ? new double[4 * pairs] : null;
    IntStream.range(0, nx).parallel().forEach(xi -> {
      double xv = x.values[xi];
      int start = groupStart[xi];
      int end = groupStart[xi + 1];
      int firstSeries = start;
      while (firstSeries < end && integral.needsQuadrature(pairY[firstSeries])) {
        firstSeries++;
      }
      double[] g = withGradient ? new double[4] : null;
      for (int k = firstSeries; k < end; k++) {
        logTail[k] = integral.logTail(xv, pairY[k], g);
        if (withGradient) {
          System.arraycopy(g, 0, tailGradient, 4 * k, 4);
        }
      }
      double upperLog = splitLog[xi];
      double[] upperGradient = splitGradient[xi];
      double upperY = integral.splitPoint();
      double[] part = withGradient ? new double[4] : null;
      for (int k = firstSeries - 1; k >= start; k--) {
        double logPart = integral.logIntegralBetween(xv, pairY[k], upperY, part);
        double[] out = withGradient ? new double[4] : null;
        logTail[k] = ParetoNbdIntegral.combine(upperLog, upperGradient, logPart, part, out);
        if (withGradient) {
          System.arraycopy(out, 0, tailGradient, 4 * k, 4);
        }
        upperLog = logTail[k];
        upperGradient = out;
        upperY = pairY[k];
      }
    });
    double lnS = Math.log(s);
    double[] constant = new double[nx];
    double[] dConstantDr = new double[nx];
    double lgR = logGamma(r);
    double psiR = digamma(r);
    double lnAlpha = Math.log(alpha);
    double lnBeta = Math.log(beta);
    for (int k = 0; k < nx; k++) {
      constant[k] = logGamma(r + x.values[k]) - lgR + r * lnAlpha + s * lnBeta;
      if (withGradient) {
        dConstantDr[k] = digamma(r + x.values[k]) - psiR + lnAlpha;
      }
    }
    int nt = age.size();
    double[] lnAlphaT = new double[nt];
    double[] lnBetaT = new double[nt];
    for (int j = 0; j < nt; j++) {
      lnAlphaT[j] = Math.log(alpha + age.values[j]);
      lnBetaT[j] = Math.log(beta + age.values[j]);
    }
    double[] sum = ChunkedSum.sum(weight.length, 5, (from, to, acc) -> {
      for (int i = from; i < to; i++) {
        double w = weight[i];
        if (w == 0) {
          continue;
        }
        int k = x.index[i];
        int j = age.index[i];
        double rx = r + x.values[k];
        double alive = -rx * lnAlphaT[j] - s * lnBetaT[j];
        int p1 = recencyPair[i];
        int p2 = agePair[i];
        double died = lnS + logTail[p1];
        double diedLater = lnS + logTail[p2];
        double m = Math.max(alive, died);
        double eAlive = Math.exp(alive - m);
        double eDied = p1 == p2 ? 0 : Math.exp(died - m);
        double eLater = p1 == p2 ? 0 : Math.exp(diedLater - m);
        double bracket = eAlive + eDied - eLater;
        acc[0] += w * (constant[k] + m + Math.log(bracket));
        if (withGradient) {
          double wa = eAlive / bracket;
          double wd = eDied / bracket;
          double wl = eLater / bracket;
          int g1 = 4 * p1;
          int g2 = 4 * p2;
          double invAT = 1 / (alpha + age.values[j]);
          double invBT = 1 / (beta + age.values[j]);
          acc[1] += w * (dConstantDr[k] - wa * lnAlphaT[j] + wd * tailGradient[g1] - wl * tailGradient[g2]);
          acc[2] += w * (r / alpha - wa * rx * invAT + wd * tailGradient[g1 + 1] - wl * tailGradient[g2 + 1]);
          acc[3] += w * (lnBeta - wa * lnBetaT[j] + (wd - wl) / s + wd * tailGradient[g1 + 2] - wl * tailGradient[g2 + 2]);
          acc[4] += w * (s / beta - wa * s * invBT + wd * tailGradient[g1 + 3] - wl * tailGradient[g2 + 3]);
        }
      }
    });
    if (withGradient) {
      System.arraycopy(sum, 1, gradient, 0, 4);
    }
    return sum[0];
  }
}
