package io.rapport.models;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one maximum-likelihood fit, successful or not: what {@code clv_model} publishes.
 *
 * @param model model name ({@code bg_nbd}, {@code gamma_gamma})
 * @param parameters parameter name to value, in the model's canonical order; empty when the fit
 *     was not attempted
 * @param standardErrors parameter name to standard error from the observed information matrix;
 *     NaN when the information matrix is not positive definite
 * @param logLikelihood maximised log-likelihood (NaN when not fitted)
 * @param customers customers that entered the likelihood (the sum of the weights)
 * @param iterations optimiser iterations
 * @param converged whether the optimiser met its convergence criterion; per-customer quantities
 *     are only published for converged fits
 * @param warning a readable warning (boundary solution, singular information matrix), or null
 * @param failureReason why the fit is not usable (too few repeat buyers, no convergence), or null
 * @param covariance the asymptotic covariance of the estimates in natural parameters (inverse
 *     observed information, rows and columns in the order of {@code parameters}); null when
 *     unavailable (not converged, singular information matrix). Parameter draws for intervals
 *     use it on the log scale ({@link #logScaleCovariance()}).
 */
public record ModelFit(
    String model,
    Map<String, Double> parameters,
    Map<String, Double> standardErrors,
    double logLikelihood,
    long customers,
    int iterations,
    boolean converged,
    String warning,
    String failureReason,
    double[][] covariance) implements Serializable {

  public static final String BG_NBD = "bg_nbd";
  public static final String GAMMA_GAMMA = "gamma_gamma";

  public ModelFit {
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    standardErrors = Collections.unmodifiableMap(new LinkedHashMap<>(standardErrors));
    covariance = covariance == null ? null : copy(covariance);
  }

  /** A fit without a covariance matrix. */
  public ModelFit(String model, Map<String, Double> parameters, Map<String, Double> standardErrors, double logLikelihood,
      long customers, int iterations, boolean converged, String warning, String failureReason) {
    this(model, parameters, standardErrors, logLikelihood, customers, iterations, converged, warning, failureReason, null);
  }

  @Override
  public double[][] covariance() {
    return covariance == null ? null : copy(covariance);
  }

  /**
   * The covariance of the log-parameters, cov(ln p_i, ln p_j) = cov(p_i, p_j) / (p_i p_j) (the
   * delta method): the scale the optimiser works on, where the asymptotic normal keeps every draw
   * positive. Null when the covariance is unavailable.
   */
  public double[][] logScaleCovariance() {
    if (covariance == null) {
      return null;
    }
    double[] p = parameters.values().stream().mapToDouble(Double::doubleValue).toArray();
    int n = p.length;
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        out[i][j] = covariance[i][j] / (p[i] * p[j]);
      }
    }
    return out;
  }

  /** The same fit with another warning text (null for none). */
  public ModelFit withWarning(String newWarning) {
    return new ModelFit(model, parameters, standardErrors, logLikelihood, customers, iterations, converged, newWarning,
        failureReason, covariance);
  }

  private static double[][] copy(double[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i].clone();
    }
    return out;
  }

  /** A fit that could not be attempted or did not converge, with its reason. */
  public static ModelFit failed(String model, long customers, String reason) {
    return new ModelFit(model, Map.of(), Map.of(), Double.NaN, customers, 0, false, null, reason);
  }

  /** A parameter value; fails with a clear message when absent. */
  public double parameter(String name) {
    Double v = parameters.get(name);
    if (v == null) {
      throw new IllegalStateException("Cannot read parameter " + name + " of " + model + ": not fitted (" + failureReason + ")");
    }
    return v;
  }
}
