package io.rapport.models;

import java.util.Optional;

/**
 * MBG/NBD parameters (Batislam, Denizel &amp; Filiztekin 2007): as BG/NBD, purchase rates
 * gamma(r, alpha) and drop-out probabilities beta(a, b), but a customer can also drop out right
 * after the first purchase. Serializable so it can travel in a Spark closure.
 */
public record MbgNbdParameters(double r, double alpha, double a, double b) implements PurchaseModel {

  public static final String R = "r";
  public static final String ALPHA = "alpha";
  public static final String A = "a";
  public static final String B = "b";

  public MbgNbdParameters {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0) || !Double.isFinite(r + alpha + a + b)) {
      throw new IllegalArgumentException("MBG/NBD parameters must be positive and finite: r=" + r + ", alpha=" + alpha
          + ", a=" + a + ", b=" + b);
    }
  }

  /** The parameters of a converged MBG/NBD fit; empty when the fit did not converge. */
  public static Optional<MbgNbdParameters> from(ModelFit fit) {
    if (!fit.converged() || !ModelNames.MBG_NBD.equals(fit.model())) {
      return Optional.empty();
    }
    return Optional.of(new MbgNbdParameters(fit.parameter(R), fit.parameter(ALPHA), fit.parameter(A), fit.parameter(B)));
  }

  /**
   * P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)) (paper, equation 7),
   * for one-time buyers too (they may have dropped out at time 0).
   */
  public double probabilityAlive(double x, double tx, double age) {
    double logOdds = Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + age) - Math.log(alpha + tx));
    return 1.0 / (1.0 + Math.exp(logOdds));
  }

  /**
   * E[X(t) | x, t_x, T] (paper, equation 9). Alive at T after x repeat purchases (x + 1
   * survived drop-out chances), p ~ beta(a, b + x + 1): that is BG/NBD's posterior with b + 1, so
   * the expectation given alive is BG/NBD's with b + 1 (series, quadrature or the fixed drop-out
   * limit, {@link BgNbdParameters#expectedPurchasesIfAlive}), times this model's P(alive).
   */
  public double conditionalExpectedPurchases(double t, double x, double tx, double age) {
    if (t <= 0) {
      return 0;
    }
    return expectedPurchasesIfAlive(t, x, age) * probabilityAlive(x, tx, age);
  }

  /** E[X(t) | x, T, alive at T], before the factor P(alive) (see {@link #conditionalExpectedPurchases}). */
  public double expectedPurchasesIfAlive(double t, double x, double age) {
    return new BgNbdParameters(r, alpha, a, b + 1).expectedPurchasesIfAlive(t, x, age);
  }

  /**
   * Unconditional E[X(t)] = b/(a-1) (1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t)))
   * (paper, equation 8): the history-free case x = t_x = T = 0 of the conditional expectation.
   */
  public double expectedPurchases(double t) {
    return conditionalExpectedPurchases(t, 0, 0, 0);
  }
}
