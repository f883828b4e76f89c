package io.rapport.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Parameter draws from a fit's asymptotic normal distribution on the optimiser's log-parameter
 * scale: ln p ~ N(ln p_hat, Sigma_log), Sigma_log from the observed information matrix by the
 * delta method ({@link ModelFit#logScaleCovariance()}). Every draw is positive. Deterministic for
 * a seed; pure driver-side arithmetic (a few hundred draws of three or four parameters).
 */
public final class ParameterDraws {
  private ParameterDraws() {}

  /** Rejected draws allowed per requested draw before giving up (see {@link #draw}). */
  static final int MAX_ATTEMPTS_PER_DRAW = 100;

  /** A test a drawn parameter vector (natural scale, canonical order) must pass to be kept. */
  @FunctionalInterface
  public interface Admissible {
    boolean test(double[] parameters);
  }

  /**
   * {@code n} draws in natural parameters (canonical order), or null when the fit has no
   * covariance (not converged, singular information matrix) or too many draws are rejected.
   *
   * @param admissible draws failing it are redrawn (for example Gamma-Gamma q &lt;= 1, where the
   *     mean spend is infinite): the intervals are then those of the normal truncated to the
   *     region where the model's predictions exist
   */
  public static List<double[]> draw(ModelFit fit, int n, Random random, Admissible admissible) {
    double[][] covariance = fit.converged() ? fit.logScaleCovariance() : null;
    if (covariance == null) {
      return null;
    }
    double[][] l = InformationMatrix.cholesky(covariance);
    if (l == null) {
      return null;
    }
    double[] centre = fit.parameters().values().stream().mapToDouble(Math::log).toArray();
    int k = centre.length;
    List<double[]> draws = new ArrayList<>(n);
    long attempts = 0;
    while (draws.size() < n) {
      if (++attempts > (long) MAX_ATTEMPTS_PER_DRAW * n) {
        return null;
      }
      double[] z = new double[k];
      for (int i = 0; i < k; i++) {
        z[i] = random.nextGaussian();
      }
      double[] p = new double[k];
      boolean finite = true;
      for (int i = 0; i < k; i++) {
        double theta = centre[i];
        for (int j = 0; j <= i; j++) {
          theta += l[i][j] * z[j];
        }
        p[i] = Math.exp(theta);
        finite &= p[i] > 0 && Double.isFinite(p[i]);
      }
      if (finite && admissible.test(p)) {
        draws.add(p);
      }
    }
    return draws;
  }
}
