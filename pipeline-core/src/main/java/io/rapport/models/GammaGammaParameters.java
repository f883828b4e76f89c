package io.rapport.models;

import java.io.Serializable;
import java.util.Optional;

/**
 * Gamma-Gamma spend parameters (Fader, Hardie &amp; Lee 2005, "RFM and CLV"; Fader &amp; Hardie 2013
 * note): a transaction's value is gamma(p, nu) with nu gamma(q, v) across customers. Serializable
 * so it can travel in a Spark closure.
 */
public record GammaGammaParameters(double p, double q, double v) implements Serializable {

  public static final String P = "p";
  public static final String Q = "q";
  public static final String V = "v";

  public GammaGammaParameters {
    if (!(p > 0 && q > 0 && v > 0)) {
      throw new IllegalArgumentException("Gamma-Gamma parameters must be positive: p=" + p + ", q=" + q + ", v=" + v);
    }
  }

  /** The parameters of a converged Gamma-Gamma fit; empty when the fit did not converge. */
  public static Optional<GammaGammaParameters> from(ModelFit fit) {
    if (!fit.converged() || !ModelFit.GAMMA_GAMMA.equals(fit.model())) {
      return Optional.empty();
    }
    return Optional.of(new GammaGammaParameters(fit.parameter(P), fit.parameter(Q), fit.parameter(V)));
  }

  /** Population mean transaction value p v / (q - 1); NaN when q &lt;= 1 (the mean is infinite). */
  public double populationMeanValue() {
    return q > 1 ? p * v / (q - 1) : Double.NaN;
  }

  /**
   * E[Z | x, zbar] = p (v + x zbar) / (p x + q - 1): the expected value of a customer's future
   * transactions given x repeat transactions with mean value zbar; the population mean when
   * x = 0. NaN when the result is undefined (q &lt;= 1 and p x + q - 1 &lt;= 0).
   *
   * <p>It is the credibility mix {@code w zbar + (1 - w) p v / (q - 1)} with weight
   * {@code w = p x / (p x + q - 1)} on the customer's own mean. At the boundary q -&gt; infinity (with
   * v / (q - 1) -&gt; theta: every customer has the same nu) w -&gt; 0 and the expectation tends to the
   * population mean p theta. The expression is closed form and accurate for every finite q, so a
   * boundary fit needs no special case (BoundaryLimitsTest checks q up to 1e12).
   */
  public double conditionalExpectedValue(double x, double zbar) {
    if (x <= 0) {
      return populationMeanValue();
    }
    double denominator = p * x + q - 1;
    return denominator > 0 ? p * (v + x * zbar) / denominator : Double.NaN;
  }
}
