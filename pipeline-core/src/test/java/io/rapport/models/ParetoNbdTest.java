package io.rapport.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.models.BgNbdTest.CdnowSummaries;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Pareto/NBD against the published CDNOW result (../shared/data/cdnow/README.md: r=0.553,
 * alpha=10.578, s=0.606, beta=11.669, LL -9595.0; Fader, Hardie &amp; Lee 2005, "RFM and CLV", and
 * Fader &amp; Hardie's 2005 note "A Note on Deriving the Pareto/NBD Model and Related Expressions"),
 * and against direct numerical integration of the defining integrals, written here independently
 * of {@link ParetoNbdIntegral}.
 */
class ParetoNbdTest {

  private static final ParetoNbdParameters PUBLISHED = new ParetoNbdParameters(0.553, 10.578, 0.606, 11.669);

  @Test
  void fitOnCdnowSummaryReproducesThePublishedEstimates() {
    CdnowSummaries s = CdnowSummaries.summary();
    ModelFit fit = ParetoNbd.fit(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length), 20);

    assertTrue(fit.converged(), () -> "not converged: " + fit.failureReason());
    assertEquals(ModelNames.PARETO_NBD, fit.model());
    assertEquals(0.553, fit.parameter("r"), 0.0005);
    assertEquals(10.578, fit.parameter("alpha"), 0.0005);
    assertEquals(0.606, fit.parameter("s"), 0.0005);
    // beta: the maximum is at 11.66791 (an independent check, scipy's hyp2f1 in the note's
    // likelihood, Nelder-Mead then BFGS to a zero gradient, gives r=0.5532755, alpha=10.577611,
    // s=0.6062136, beta=11.667910, LL -9594.97393). The published 11.669 is 0.001 away, 0.0002
    // standard errors (se(beta) = 6.2: the likelihood is flat in beta, and the LL at 11.669 differs
    // by 1e-8), most likely the stopping point of the original spreadsheet optimiser. Tolerance
    // widened to 0.0015 for that; the scipy optimum is held to 1e-4.
    assertEquals(11.669, fit.parameter("beta"), 0.0015);
    assertEquals(0.5532755, fit.parameter("r"), 1e-5);
    assertEquals(10.577611, fit.parameter("alpha"), 1e-4);
    assertEquals(0.6062136, fit.parameter("s"), 1e-5);
    assertEquals(11.667910, fit.parameter("beta"), 1e-3);
    assertEquals(-9595.0, fit.logLikelihood(), 0.05);
    assertEquals(-9594.97393, fit.logLikelihood(), 1e-4);
    assertEquals(2357, fit.customers());
    assertNull(fit.warning());
    for (String name : new String[] {"r", "alpha", "s", "beta"}) {
      double se = fit.standardErrors().get(name);
      assertTrue(se > 0 && se < fit.parameter(name), name + " se " + se);
    }
  }

  @Test
  void weightedTriplesGiveTheLikelihoodOfOneTermPerCustomer() {
    CdnowSummaries s = CdnowSummaries.summary();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < s.x.length; i++) {
      counts.merge(s.x[i] + "," + s.tx[i] + "," + s.t[i], 1, Integer::sum);
    }
    int n = counts.size();
    double[] x = new double[n];
    double[] tx = new double[n];
    double[] t = new double[n];
    double[] w = new double[n];
    int i = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      String[] f = e.getKey().split(",");
      x[i] = Double.parseDouble(f[0]);
      tx[i] = Double.parseDouble(f[1]);
      t[i] = Double.parseDouble(f[2]);
      w[i] = e.getValue();
      i++;
    }
    assertTrue(n < s.x.length);
    double weighted = new ParetoNbdLikelihood(x, tx, t, w).logLikelihood(PUBLISHED);
    double perCustomer = new ParetoNbdLikelihood(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length)).logLikelihood(PUBLISHED);
    assertEquals(perCustomer, weighted, 1e-9 * Math.abs(perCustomer));
    assertEquals(-9595.0, weighted, 0.5); // the published LL, at the rounded estimates
    // Every 25th customer against the note's equation 22 with F by direct numerical integration.
    for (int k = 0; k < s.x.length; k += 25) {
      double one = new ParetoNbdLikelihood(new double[] {s.x[k]}, new double[] {s.tx[k]}, new double[] {s.t[k]}, new double[] {1})
          .logLikelihood(PUBLISHED);
      double direct = directCustomerLogLikelihood(PUBLISHED, s.x[k], s.tx[k], s.t[k]);
      assertEquals(direct, one, 1e-10 * Math.abs(direct), "customer " + (k + 1));
    }
  }

  @Test
  void walkingDownTheSortedRecenciesGivesTheOneShotIntegrals() {
    // Near z = 1 the likelihood integrates each x's pairs cumulatively between neighbouring y;
    // one customer at a time, each tail integral in one piece (checked against direct
    // integration in tailIntegralMatchesDirectIntegrationInEveryRegime), must give the same sum.
    CdnowSummaries s = CdnowSummaries.summary();
    ParetoNbdLikelihood ll = new ParetoNbdLikelihood(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length));
    for (ParetoNbdParameters p : new ParetoNbdParameters[] {
        new ParetoNbdParameters(0.5, 60, 0.8, 2), new ParetoNbdParameters(0.5, 1.5, 1.3, 300)}) {
      ParetoNbdIntegral integral = new ParetoNbdIntegral(p.r(), p.alpha(), p.s(), p.beta());
      double oneShot = 0;
      int nearOne = 0;
      for (int i = 0; i < s.x.length; i++) {
        double x = s.x[i];
        double constant = org.apache.commons.math3.special.Gamma.logGamma(p.r() + x) - org.apache.commons.math3.special.Gamma.logGamma(p.r())
            + p.r() * Math.log(p.alpha()) + p.s() * Math.log(p.beta());
        double alive = Math.exp(-(p.r() + x) * Math.log(p.alpha() + s.t[i]) - p.s() * Math.log(p.beta() + s.t[i]));
        double died = s.tx[i] == s.t[i] ? 0
            : p.s() * (Math.exp(integral.logTail(x, s.tx[i], null)) - Math.exp(integral.logTail(x, s.t[i], null)));
        oneShot += constant + Math.log(alive + died);
        nearOne += integral.needsQuadrature(s.tx[i]) ? 1 : 0;
      }
      assertTrue(nearOne > 1000, "most recencies must be in the quadrature region, got " + nearOne);
      assertEquals(oneShot, ll.logLikelihood(p), 1e-10 * Math.abs(oneShot), p.toString());
    }
  }

  @Test
  void analyticGradientMatchesFiniteDifferencesInBothHypergeometricRegimes() {
    CdnowSummaries s = CdnowSummaries.summary();
    ParetoNbdLikelihood ll = new ParetoNbdLikelihood(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length));
    double[][] points = {
        {0.4, 8.0, 0.9, 14.0}, // alpha < beta, series only (z <= 0.3)
        {0.7, 14.0, 0.4, 9.0}, // alpha > beta, series only
        {0.5, 60.0, 0.8, 2.0}, // alpha >> beta: z near 1 for small y, quadrature part used
        {0.5, 1.5, 1.3, 300.0}, // beta >> alpha: z near 1 in the other regime
        {0.6, 10.0, 0.6, 10.0}, // alpha = beta: z = 0, where the regimes meet
    };
    for (double[] p : points) {
      ParetoNbdIntegral integral = new ParetoNbdIntegral(p[0], p[1], p[2], p[3]);
      double[] g = new double[4];
      ll.evaluate(p[0], p[1], p[2], p[3], g);
      for (int i = 0; i < 4; i++) {
        double h = 1e-5 * p[i];
        double[] up = p.clone();
        double[] down = p.clone();
        up[i] += h;
        down[i] -= h;
        double fd = (ll.evaluate(up[0], up[1], up[2], up[3], null) - ll.evaluate(down[0], down[1], down[2], down[3], null)) / (2 * h);
        assertEquals(fd, g[i], 2e-6 * Math.max(1, Math.abs(fd)), "d/d param " + i + " at " + java.util.Arrays.toString(p));
        assertTrue(Math.abs(g[i]) > 0.1, "gradient component " + i + " should be clearly non-zero at " + java.util.Arrays.toString(p));
      }
      if (p[1] == 60.0 || p[3] == 300.0) {
        assertTrue(integral.needsQuadrature(0), "the near-1 point must exercise the quadrature part");
      }
    }
  }

  @Test
  void tailIntegralMatchesDirectIntegrationInEveryRegime() {
    // {r, alpha, s, beta, x, y}: CDNOW-like; alpha >> beta and beta >> alpha with z up to 1 - 1e-5;
    // heavy buyers (x = 300, where the integral is e^-900 and below); s + r + x small.
    double[][] cases = {
        {0.553, 10.578, 0.606, 11.669, 2, 30.43},
        {0.553, 10.578, 0.606, 11.669, 0, 0},
        {0.553, 20, 0.606, 1, 0, 0},
        {0.553, 20, 0.606, 1, 5, 3},
        {0.553, 1, 0.606, 200, 3, 2},
        {0.553, 1, 0.606, 2000, 300, 20},
        {0.553, 2000, 0.606, 1, 300, 20},
        {1.0, 1e4, 1.0, 1, 0, 0},
        {0.2, 1, 0.05, 1e5, 0, 0},
        {0.2, 1, 3, 1e5, 1, 0.5},
        {0.05, 3, 0.05, 500, 0, 0},
        {2.0, 0.3, 5.0, 0.02, 40, 1.5},
    };
    for (double[] c : cases) {
      ParetoNbdIntegral integral = new ParetoNbdIntegral(c[0], c[1], c[2], c[3]);
      double[] g = new double[4];
      double value = integral.logTail(c[4], c[5], g);
      double expected = directLogTail(c[0], c[1], c[2], c[3], c[4], c[5]);
      assertEquals(expected, value, 1e-10 * Math.max(1, Math.abs(expected)), java.util.Arrays.toString(c));
      for (int i = 0; i < 4; i++) {
        double[] up = c.clone();
        double[] down = c.clone();
        double h = 1e-5 * c[i];
        up[i] += h;
        down[i] -= h;
        double fd = (directLogTail(up[0], up[1], up[2], up[3], up[4], up[5])
            - directLogTail(down[0], down[1], down[2], down[3], down[4], down[5])) / (2 * h);
        assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(fd)), "d/d param " + i + " at " + java.util.Arrays.toString(c));
      }
    }
  }

  @Test
  void seriesAndQuadratureAgreeWhereTheyHandOver() {
    // z = |alpha-beta| / (max + y) crosses the series limit at y = gap / limit - max. Just below
    // it the quadrature part is used; the series itself still converges there and must agree.
    for (double[] p : new double[][] {{0.553, 30, 0.606, 2}, {0.553, 2, 0.606, 30}}) {
      ParetoNbdIntegral integral = new ParetoNbdIntegral(p[0], p[1], p[2], p[3]);
      boolean alphaIsBig = p[1] >= p[3];
      double gap = Math.abs(p[1] - p[3]);
      double crossing = gap / ParetoNbdIntegral.SERIES_LIMIT - Math.max(p[1], p[3]);
      for (double y : new double[] {crossing * (1 - 1e-9), crossing * 0.9, crossing * 0.5}) {
        assertTrue(integral.needsQuadrature(y));
        for (double x : new double[] {0, 3, 40}) {
          double pBig = alphaIsBig ? p[0] + x : p[2] + 1;
          double pSmall = alphaIsBig ? p[2] + 1 : p[0] + x;
          double bySeries = ParetoNbdIntegral.series(pBig, pSmall, Math.max(p[1], p[3]) + y, Math.min(p[1], p[3]) + y, null);
          assertEquals(bySeries, integral.logTail(x, y, null), 1e-13 * Math.abs(bySeries), "x=" + x + ", y=" + y);
        }
      }
      assertFalse(integral.needsQuadrature(crossing * (1 + 1e-9)));
    }
  }

  @Test
  void customerOneOfCdnowMatchesTheDefiningIntegrals() {
    // README: x=2, t_x=30.43, T=38.86; the published estimates; horizon 39 weeks.
    double x = 2;
    double tx = 30.43;
    double age = 38.86;
    ParetoNbdParameters p = PUBLISHED;
    // P(alive) = alive-part / (alive-part + s * integral over (t_x, T) of the death density term).
    double alivePart = Math.pow(p.alpha() + age, -(p.r() + x)) * Math.pow(p.beta() + age, -p.s());
    double died = p.s() * simpson(tau -> Math.pow(p.alpha() + tau, -(p.r() + x)) * Math.pow(p.beta() + tau, -(p.s() + 1)), tx, age, 20_000);
    double expectedAlive = alivePart / (alivePart + died);
    assertEquals(expectedAlive, p.probabilityAlive(x, tx, age), 1e-10);
    // E[X(39) | alive] = E[lambda] E[(1 - e^(-mu 39)) / mu] with lambda ~ gamma(r+x, alpha+T),
    // mu ~ gamma(s, beta+T): (r+x)/(alpha+T) * integral_0^39 ((beta+T)/(beta+T+tau))^s dtau.
    double perAlive = (p.r() + x) / (p.alpha() + age)
        * simpson(tau -> Math.pow((p.beta() + age) / (p.beta() + age + tau), p.s()), 0, 39, 20_000);
    assertEquals(perAlive * expectedAlive, p.conditionalExpectedPurchases(39, x, tx, age), 1e-10);
    // Orders of magnitude against BG/NBD for the same customer (README: P(alive) 0.7266,
    // E[X(39)] 1.226): Pareto/NBD lets her die at any time, not only after a purchase.
    assertEquals(0.869, p.probabilityAlive(x, tx, age), 0.001);
    assertEquals(1.455, p.conditionalExpectedPurchases(39, x, tx, age), 0.001);
  }

  @Test
  void unconditionalExpectationMatchesItsDefiningIntegral() {
    ParetoNbdParameters p = PUBLISHED;
    for (double t : new double[] {1, 39, 78}) {
      double expected = p.r() / p.alpha() * simpson(tau -> Math.pow(p.beta() / (p.beta() + tau), p.s()), 0, t, 20_000);
      assertEquals(expected, p.expectedPurchases(t), 1e-11);
      // the history-free customer (x = t_x = T = 0) is the same expectation
      assertEquals(expected, p.conditionalExpectedPurchases(t, 0, 0, 0), 1e-11);
    }
    assertEquals(0.0, p.expectedPurchases(0), 0.0);
  }

  @Test
  void expectationIsContinuousAtSEqualToOne() {
    ParetoNbdParameters at = new ParetoNbdParameters(0.5, 10, 1.0, 12);
    ParetoNbdParameters near = new ParetoNbdParameters(0.5, 10, 1.0 + 1e-7, 12);
    double e1 = at.conditionalExpectedPurchases(52, 3, 20, 30);
    double e2 = near.conditionalExpectedPurchases(52, 3, 20, 30);
    assertTrue(Double.isFinite(e1) && e1 > 0);
    assertEquals(e2, e1, 1e-6 * e2);
    // s = 1: E[X(t) | alive] = (r+x)/(alpha+T) (beta+T) ln((beta+T+t)/(beta+T))
    double ifAlive = 3.5 / 40 * 42 * Math.log(94.0 / 42);
    assertEquals(ifAlive * at.probabilityAlive(3, 20, 30), e1, 1e-12);
  }

  @Test
  void boughtAtTheEndOfObservationIsAlive() {
    assertEquals(1.0, PUBLISHED.probabilityAlive(4, 30, 30), 0.0);
    assertTrue(PUBLISHED.probabilityAlive(4, 5, 30) < 0.5);
  }

  @Test
  void tooFewRepeatBuyersGivesAnUnconvergedFitWithAReason() {
    ModelFit fit = ParetoNbd.fit(new double[] {0, 0, 1}, new double[] {0, 0, 3}, new double[] {10, 8, 9}, new double[] {100, 50, 3}, 20);
    assertFalse(fit.converged());
    assertEquals(153, fit.customers());
    assertTrue(fit.failureReason().contains("too few repeat buyers: 3 of 153"), fit.failureReason());
    assertTrue(ParetoNbdParameters.from(fit).isEmpty());
  }

  @Test
  void invalidRowGivesAnUnconvergedFitNotAnException() {
    ModelFit fit = ParetoNbd.fit(new double[] {1}, new double[] {5}, new double[] {3}, new double[] {1}, 1);
    assertFalse(fit.converged());
    assertTrue(fit.failureReason().contains("t_x=5.0, T=3.0"), fit.failureReason());
  }

  @Test
  void noDropOutDataIsFlaggedAsABoundarySolution() {
    // Every customer buys at a steady rate right up to the end of observation.
    int n = 400;
    double[] x = new double[n];
    double[] tx = new double[n];
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = 20 + (i % 20);
      x[i] = 1 + (i % 7);
      tx[i] = t[i];
    }
    ModelFit fit = ParetoNbd.fit(x, tx, t, CdnowSummaries.ones(n), 20);
    assertTrue(fit.converged(), () -> String.valueOf(fit.failureReason()));
    assertNotNull(fit.warning());
    assertTrue(fit.warning().contains("boundary solution"), fit.warning());
  }

  /** One customer's Pareto/NBD log-likelihood from the note's equation 22, F by {@link #directLogTail}. */
  static double directCustomerLogLikelihood(ParetoNbdParameters p, double x, double tx, double age) {
    double r = p.r();
    double s = p.s();
    double constant = org.apache.commons.math3.special.Gamma.logGamma(r + x) - org.apache.commons.math3.special.Gamma.logGamma(r)
        + r * Math.log(p.alpha()) + s * Math.log(p.beta());
    double alive = Math.exp(-(r + x) * Math.log(p.alpha() + age) - s * Math.log(p.beta() + age));
    double died = tx == age ? 0 : s * (Math.exp(directLogTail(r, p.alpha(), s, p.beta(), x, tx))
        - Math.exp(directLogTail(r, p.alpha(), s, p.beta(), x, age)));
    return constant + Math.log(alive + died);
  }

  /**
   * ln of integral_y^inf (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau by composite Simpson over
   * tau = y + e^w (w from -60 to 300 in steps of 1/1000: the integrand decays like e^-(r+s+x) w,
   * slowly when r + s + x is small), with the integrand scaled by its largest value on the grid so
   * that e^-2000 integrals stay representable.
   */
  static double directLogTail(double r, double alpha, double s, double beta, double x, double y) {
    int n = 360_000;
    double lo = -60;
    double h = 360.0 / n;
    double[] logIntegrand = new double[n + 1];
    double peak = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= n; i++) {
      double w = lo + i * h;
      double tau = y + Math.exp(w);
      logIntegrand[i] = w - (r + x) * Math.log(alpha + tau) - (s + 1) * Math.log(beta + tau);
      peak = Math.max(peak, logIntegrand[i]);
    }
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double weight = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2);
      sum += weight * Math.exp(logIntegrand[i] - peak);
    }
    return peak + Math.log(sum * h / 3);
  }

  static double simpson(DoubleUnaryOperator f, double a, double b, int intervals) {
    int n = intervals % 2 == 0 ? intervals : intervals + 1;
    double h = (b - a) / n;
    double sum = f.applyAsDouble(a) + f.applyAsDouble(b);
    for (int i = 1; i < n; i++) {
      sum += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
    }
    return sum * h / 3;
  }
}
