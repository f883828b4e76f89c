package io.rapport.models;

import java.util.function.Function;

/**
 * Standard errors from the observed information matrix: the Hessian of the negative
 * log-likelihood at the optimum, in natural parameters, by central differences of the analytic
 * gradient, then inverted.
 */
public final class InformationMatrix {
  private InformationMatrix() {}

  /** Standard errors, or null when the information matrix is not positive definite. */
  static double[] standardErrors(Function<double[], double[]> negativeLogLikelihoodGradient, double[] at) {
    return standardErrors(covariance(negativeLogLikelihoodGradient, at));
  }

  /** Square roots of the diagonal of a covariance matrix; null for a null matrix. */
  static double[] standardErrors(double[][] covariance) {
    if (covariance == null) {
      return null;
    }
    double[] se = new double[covariance.length];
    for (int i = 0; i < se.length; i++) {
      se[i] = Math.sqrt(covariance[i][i]);
    }
    return se;
  }

  /**
   * The asymptotic covariance of the estimate in natural parameters (the inverse observed
   * information matrix), or null when that matrix is not positive definite.
   */
  static double[][] covariance(Function<double[], double[]> negativeLogLikelihoodGradient, double[] at) {
    int n = at.length;
    double[][] h = new double[n][n];
    for (int j = 0; j < n; j++) {
      double step = 1e-5 * Math.max(Math.abs(at[j]), 1e-10);
      double[] up = at.clone();
      double[] down = at.clone();
      up[j] += step;
      down[j] -= step;
      double[] gu = negativeLogLikelihoodGradient.apply(up);
      double[] gd = negativeLogLikelihoodGradient.apply(down);
      for (int i = 0; i < n; i++) {
        h[i][j] = (gu[i] - gd[i]) / (2 * step);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double m = 0.5 * (h[i][j] + h[j][i]);
        h[i][j] = m;
        h[j][i] = m;
      }
    }
    return invertPositiveDefinite(h);
  }

  /**
   * The lower Cholesky factor L (L L' = m), or null when m is not (numerically) positive
   * definite: what parameter draws from N(estimate, m) multiply standard normals by.
   */
  public static double[][] cholesky(double[][] m) {
    int n = m.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = m[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0) || !Double.isFinite(s)) {
            return null;
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  /** Inverse by Cholesky factorisation; null when the matrix is not (numerically) positive definite. */
  static double[][] invertPositiveDefinite(double[][] m) {
    int n = m.length;
    double[][] l = cholesky(m);
    if (l == null) {
      return null;
    }
    // inverse of L, then (L^-1)' L^-1
    double[][] li = new double[n][n];
    for (int i = 0; i < n; i++) {
      li[i][i] = 1 / l[i][i];
      for (int j = 0; j < i; j++) {
        double s = 0;
        for (int k = j; k < i; k++) {
          s -= l[i][k] * li[k][j];
        }
        li[i][j] = s / l[i][i];
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = Math.max(i, j); k < n; k++) {
          s += li[k][i] * li[k][j];
        }
        inv[i][j] = s;
      }
    }
    return inv;
  }
}
