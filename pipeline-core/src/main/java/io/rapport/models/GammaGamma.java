package io.rapport.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maximum-likelihood fit of the Gamma-Gamma spend model on weighted (x, zbar) rows of repeat
 * buyers with a positive mean repeat value. BFGS over log-parameters, standard errors from the
 * observed information matrix; failures come back as an unconverged {@link ModelFit}.
 */
public final class GammaGamma {
  private GammaGamma() {}

  static final double BOUNDARY = 1e6;

  public static ModelFit fit(double[] frequency, double[] meanValue, double[] weight, int minRepeatCustomers) {
    GammaGammaLikelihood likelihood;
    try {
      likelihood = new GammaGammaLikelihood(frequency, meanValue, weight);
    } catch (IllegalArgumentException e) {
      return ModelFit.failed(ModelFit.GAMMA_GAMMA, 0, e.getMessage());
    }
    return fit(likelihood, minRepeatCustomers);
  }

  public static ModelFit fit(GammaGammaLikelihood likelihood, int minRepeatCustomers) {
    long customers = Math.round(likelihood.totalWeight());
    int needed = Math.max(1, minRepeatCustomers);
    if (customers < needed) {
      return ModelFit.failed(ModelFit.GAMMA_GAMMA, customers, "too few repeat buyers with a positive mean repeat value: "
          + customers + ", at least " + needed + " needed");
    }
    double n = likelihood.totalWeight();
    // Start: p = 1, q = 2, so the population mean p v / (q - 1) = v equals the observed mean.
    double[] start = {0.0, Math.log(2.0), Math.log(Math.max(likelihood.meanValue(), 1e-6))};
    Bfgs.Objective objective = (theta, grad) -> {
      double p = Math.exp(theta[0]);
      double q = Math.exp(theta[1]);
      double v = Math.exp(theta[2]);
      double[] g = new double[3];
      double ll = likelihood.evaluate(p, q, v, g);
      grad[0] = -g[0] * p / n;
      grad[1] = -g[1] * q / n;
      grad[2] = -g[2] * v / n;
      return -ll / n;
    };
    Bfgs.Result result;
    try {
      result = Bfgs.minimize(objective, start, Bfgs.Options.defaults());
    } catch (ArithmeticException | IllegalArgumentException e) {
      return ModelFit.failed(ModelFit.GAMMA_GAMMA, customers, "optimiser failed: " + e.getMessage());
    }
    double[] est = new double[3];
    for (int i = 0; i < 3; i++) {
      est[i] = Math.exp(result.x()[i]);
    }
    String[] names = {GammaGammaParameters.P, GammaGammaParameters.Q, GammaGammaParameters.V};
    Map<String, Double> params = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      params.put(names[i], est[i]);
    }
    for (double v : est) {
      if (!(v > 0) || !Double.isFinite(v)) {
        return new ModelFit(ModelFit.GAMMA_GAMMA, params, Map.of(), Double.NaN, customers, result.iterations(), false, null,
            "optimiser left the representable parameter range: " + params);
      }
    }
    double ll = -result.value() * n;
    if (!result.converged()) {
      return new ModelFit(ModelFit.GAMMA_GAMMA, params, Map.of(), ll, customers, result.iterations(), false, null,
          "optimiser did not converge: " + result.message());
    }
    List<String> warnings = new ArrayList<>();
    if (est[1] <= 1) {
      warnings.add("q=" + est[1] + " <= 1: the population mean spend is infinite; one-time buyers get no expected value");
    }
    if (est[0] > BOUNDARY || est[1] > BOUNDARY) {
      warnings.add("boundary solution: p=" + est[0] + ", q=" + est[1] + " (spend nearly identical within or across customers)");
    }
    double[][] covariance = InformationMatrix.covariance(point -> {
      double[] g = new double[3];
      likelihood.evaluate(point[0], point[1], point[2], g);
      return new double[] {-g[0], -g[1], -g[2]};
    }, est);
    double[] errors = InformationMatrix.standardErrors(covariance);
    if (errors == null) {
      warnings.add("observed information matrix is not positive definite; standard errors unavailable");
    }
    Map<String, Double> se = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      se.put(names[i], errors == null ? Double.NaN : errors[i]);
    }
    return new ModelFit(ModelFit.GAMMA_GAMMA, params, se, ll, customers, result.iterations(), true,
        warnings.isEmpty() ? null : String.join("; ", warnings), null, covariance);
  }
}
