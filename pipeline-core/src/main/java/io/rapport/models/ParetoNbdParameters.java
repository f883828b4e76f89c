package io.rapport.models;

import java.util.Optional;

/**
 * Pareto/NBD parameters (Schmittlein, Morrison &amp; Colombo 1987): while alive a customer buys at
 * rate lambda ~ gamma(r, alpha) and dies at rate mu ~ gamma(s, beta), independently. Times are in
 * the model's time unit. Holds the per-customer quantities of Fader &amp; Hardie's 2005 note;
 * serializable so it can travel in a Spark closure.
 */
public record ParetoNbdParameters(double r, double alpha, double s, double beta) implements PurchaseModel {

  public static final String R = "r";
  public static final String ALPHA = "alpha";
  public static final String S = "s";
  public static final String BETA = "beta";

  public ParetoNbdParameters {
    if (!(r > 0 && alpha > 0 && s > 0 && beta > 0) || !Double.isFinite(r + alpha + s + beta)) {
      throw new IllegalArgumentException("Pareto/NBD parameters must be positive and finite: r=" + r + ", alpha=" + alpha
          + ", s=" + s + ", beta=" + beta);
    }
  }

  /** The parameters of a converged Pareto/NBD fit; empty when the fit did not converge. */
  public static Optional<ParetoNbdParameters> from(ModelFit fit) {
    if (!fit.converged() || !ModelNames.PARETO_NBD.equals(fit.model())) {
      return Optional.empty();
    }
    return Optional.of(new ParetoNbdParameters(fit.parameter(R), fit.parameter(ALPHA), fit.parameter(S), fit.parameter(BETA)));
  }

  /**
   * P(alive at T | x, t_x, T) (note, equation 18): the share of the likelihood from "still alive",
   * {@code 1 / (1 + s (F(t_x) - F(T)) (alpha+T)^(r+x) (beta+T)^s)}; 1 when t_x = T.
   */
  public double probabilityAlive(double x, double tx, double age) {
    if (tx >= age) {
      return 1.0;
    }
    ParetoNbdIntegral integral = new ParetoNbdIntegral(r, alpha, s, beta);
    double atRecency = integral.logTail(x, tx, null);
    double atAge = integral.logTail(x, age, null);
    double alive = -(r + x) * Math.log(alpha + age) - s * Math.log(beta + age);
    double deadOverAlive = Math.exp(Math.log(s) + atRecency - alive) * -Math.expm1(atAge - atRecency);
    return 1.0 / (1.0 + deadOverAlive);
  }

  /**
   * E[X(t) | x, t_x, T] (note, equation 27): given alive at T, lambda ~ gamma(r+x, alpha+T) and
   * mu ~ gamma(s, beta+T), so the expected purchases in (T, T+t] are
   * {@code (r+x)/(alpha+T) * E[(1 - e^(-mu t)) / mu] = (r+x)/(alpha+T) (beta+T) (1 - ((beta+T)/(beta+T+t))^(s-1)) / (s-1)},
   * times P(alive); the factor is continuous at s = 1 (it is then ln((beta+T+t)/(beta+T))).
   */
  public double conditionalExpectedPurchases(double t, double x, double tx, double age) {
    if (t <= 0) {
      return 0;
    }
    return expectedPurchasesIfAlive(t, x, age) * probabilityAlive(x, tx, age);
  }

  /**
   * E[X(t) | x, T, alive at T], the conditional expectation before the factor P(alive): closed
   * form and cheap, so a caller predicting several horizons computes P(alive) once and multiplies.
   */
  public double expectedPurchasesIfAlive(double t, double x, double age) {
    if (t <= 0) {
      return 0;
    }
    double base = beta + age;
    return (r + x) / (alpha + age) * base * expm1Ratio(s - 1, Math.log1p(t / base));
  }

  /** Unconditional E[X(t)] of a new customer over their first t time units (note, equation 17). */
  public double expectedPurchases(double t) {
    if (t <= 0) {
      return 0;
    }
    return r / alpha * beta * expm1Ratio(s - 1, Math.log1p(t / beta));
  }

  /** (1 - e^(-e l)) / e, continuous at e = 0 (value l). */
  static double expm1Ratio(double e, double l) {
    double el = e * l;
    if (Math.abs(el) < 1e-12) {
      return l * (1 - el / 2);
    }
    return -Math.expm1(-el) / e;
  }
}
