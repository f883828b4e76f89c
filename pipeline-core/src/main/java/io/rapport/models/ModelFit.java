package io.rapport.models;

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
    String failureReason) {

  public static final String BG_NBD = "bg_nbd";
  public static final String GAMMA_GAMMA = "gamma_gamma";

  public ModelFit {
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    standardErrors = Collections.unmodifiableMap(new LinkedHashMap<>(standardErrors));
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
