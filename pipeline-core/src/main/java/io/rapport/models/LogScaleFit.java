package io.rapport.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The maximum-likelihood procedure shared by the purchase-count models added beside BG/NBD
 * (Pareto/NBD, MBG/NBD), done the way {@link BgNbd} does it: BFGS over the log-parameters (every
 * trial point admissible) on the mean negative log-likelihood (a scale-free tolerance), standard
 * errors from the observed information matrix in natural parameters, and every failure returned
 * as an unconverged {@link ModelFit} with its reason instead of an exception.
 */
final class LogScaleFit {
  private LogScaleFit() {}

  /** A log-likelihood in natural parameters; writes d lnL / d(parameter) when gradient is not null. */
  @FunctionalInterface
  interface LogLikelihood {
    double evaluate(double[] parameters, double[] gradient);
  }

  /**
   * Fits the model.
   *
   * @param model the {@code clv_model.model} name
   * @param names parameter names in canonical order
   * @param start starting point in natural parameters
   * @param customers customers in the likelihood (sum of weights), for the fit record
   * @param likelihood the weighted log-likelihood
   * @param boundaryWarnings warnings for a converged estimate (boundary solutions), given in natural parameters
   */
  static ModelFit fit(String model, String[] names, double[] start, double customers, LogLikelihood likelihood,
      Function<double[], List<String>> boundaryWarnings) {
    int k = names.length;
    long customerCount = Math.round(customers);
    double[] logStart = new double[k];
    for (int i = 0; i < k; i++) {
      logStart[i] = Math.log(start[i]);
    }
    Bfgs.Objective objective = (theta, grad) -> {
      double[] p = new double[k];
      for (int i = 0; i < k; i++) {
        p[i] = Math.exp(theta[i]);
      }
      double[] g = new double[k];
      double ll = likelihood.evaluate(p, g);
      for (int i = 0; i < k; i++) {
        grad[i] = -g[i] * p[i] / customers;
      }
      return -ll / customers;
    };
    Bfgs.Result result;
    try {
      result = Bfgs.minimize(objective, logStart, Bfgs.Options.defaults());
    } catch (ArithmeticException | IllegalArgumentException e) {
      return ModelFit.failed(model, customerCount, "optimiser failed: " + e.getMessage());
    }
    double[] p = new double[k];
    Map<String, Double> params = new LinkedHashMap<>();
    for (int i = 0; i < k; i++) {
      p[i] = Math.exp(result.x()[i]);
      params.put(names[i], p[i]);
    }
    for (double v : p) {
      if (!(v > 0) || !Double.isFinite(v)) {
        return new ModelFit(model, params, Map.of(), Double.NaN, customerCount, result.iterations(), false, null,
            "optimiser left the representable parameter range: " + params);
      }
    }
    double ll = -result.value() * customers;
    if (!result.converged()) {
      return new ModelFit(model, params, Map.of(), ll, customerCount, result.iterations(), false, null,
          "optimiser did not converge: " + result.message());
    }
    List<String> warnings = new ArrayList<>(boundaryWarnings.apply(p.clone()));
    double[][] covariance = InformationMatrix.covariance(q -> {
      double[] g = new double[k];
      likelihood.evaluate(q, g);
      for (int i = 0; i < k; i++) {
        g[i] = -g[i];
      }
      return g;
    }, p);
    double[] errors = InformationMatrix.standardErrors(covariance);
    if (errors == null) {
      warnings.add("observed information matrix is not positive definite; standard errors unavailable");
    }
    Map<String, Double> se = new LinkedHashMap<>();
    for (int i = 0; i < k; i++) {
      se.put(names[i], errors == null ? Double.NaN : errors[i]);
    }
    return new ModelFit(model, params, se, ll, customerCount, result.iterations(), true,
        warnings.isEmpty() ? null : String.join("; ", warnings), null, covariance);
  }
}
