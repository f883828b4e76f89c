package io.rapport.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BG/NBD against the published CDNOW results: Fader, Hardie &amp; Lee (2005), "Counting Your
 * Customers the Easy Way", and ../shared/data/cdnow/README.md. Tolerances are half a unit of the
 * last published digit.
 */
class BgNbdTest {

  /** The published estimates (paper, section 5 / README). */
  private static final BgNbdParameters PUBLISHED = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);

  @Test
  void fitOnCdnowSummaryReproducesThePublishedEstimates() {
    CdnowSummaries s = CdnowSummaries.summary();
    ModelFit fit = BgNbd.fit(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length), 20);

    assertTrue(fit.converged(), () -> "not converged: " + fit.failureReason());
    assertEquals(ModelFit.BG_NBD, fit.model());
    assertEquals(0.243, fit.parameter("r"), 0.0005);
    assertEquals(4.414, fit.parameter("alpha"), 0.0005);
    assertEquals(0.793, fit.parameter("a"), 0.0005);
    assertEquals(2.426, fit.parameter("b"), 0.0005);
    assertEquals(-9582.4, fit.logLikelihood(), 0.05);
    assertEquals(2357, fit.customers());
    assertNull(fit.warning());
    assertNull(fit.failureReason());
    // Standard errors exist and are small against the estimates (the paper does not publish them).
    for (String name : new String[] {"r", "alpha", "a", "b"}) {
      double se = fit.standardErrors().get(name);
      assertTrue(se > 0 && se < fit.parameter(name), name + " se " + se);
    }
  }

  @Test
  void aggregatedTriplesGiveTheSameFitAsOneRowPerCustomer() {
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
    assertTrue(n < s.x.length, "aggregation must share rows, got " + n);

    // Weighted LL at the published estimates = sum of per-customer terms computed directly.
    double perCustomer = 0;
    for (int k = 0; k < s.x.length; k++) {
      perCustomer += BgNbdLikelihood.customerLogLikelihood(PUBLISHED, s.x[k], s.tx[k], s.t[k]);
    }
    double weighted = new BgNbdLikelihood(x, tx, t, w).logLikelihood(PUBLISHED);
    assertEquals(perCustomer, weighted, 1e-8 * Math.abs(perCustomer));
    assertEquals(-9582.4, weighted, 0.5); // published LL at rounded estimates

    ModelFit fit = BgNbd.fit(x, tx, t, w, 20);
    assertEquals(0.243, fit.parameter("r"), 0.0005);
    assertEquals(0.793, fit.parameter("a"), 0.0005);
    assertEquals(2357, fit.customers());
  }

  @Test
  void analyticGradientMatchesFiniteDifferences() {
    CdnowSummaries s = CdnowSummaries.summary();
    BgNbdLikelihood ll = new BgNbdLikelihood(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length));
    double[] p = {0.4, 3.0, 1.3, 2.0}; // away from the optimum so the gradient is not ~0
    double[] g = new double[4];
    ll.evaluate(p[0], p[1], p[2], p[3], g);
    for (int i = 0; i < 4; i++) {
      double h = 1e-6 * p[i];
      double[] up = p.clone();
      double[] down = p.clone();
      up[i] += h;
      down[i] -= h;
      double fd = (ll.evaluate(up[0], up[1], up[2], up[3], null) - ll.evaluate(down[0], down[1], down[2], down[3], null)) / (2 * h);
      assertEquals(fd, g[i], 1e-5 * Math.max(1, Math.abs(fd)), "d/d param " + i);
      assertTrue(Math.abs(g[i]) > 1, "gradient component " + i + " should be clearly non-zero here");
    }
  }

  @Test
  void customerWithTwoRepeatPurchasesMatchesThePaper() {
    // Paper section 5 / README: x=2, t_x=30.43, T=38.86 -> E[X(39) | ...] = 1.226, P(alive) = 0.7266.
    assertEquals(1.226, PUBLISHED.conditionalExpectedPurchases(39, 2, 30.43, 38.86), 0.0005);
    assertEquals(0.7266, PUBLISHED.probabilityAlive(2, 30.43, 38.86), 0.00005);
  }

  @Test
  void unconditionalExpectedPurchasesMatchThePaper() {
    // README: E[X(t)] at t = 1, 3, 78 weeks = 0.0532, 0.1506, 1.8576. Four published digits
    // need the unrounded estimates (the rounded ones give 0.05327 at t = 1), so use our fit.
    CdnowSummaries s = CdnowSummaries.summary();
    BgNbdParameters fitted = BgNbdParameters.from(BgNbd.fit(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length), 20)).orElseThrow();
    assertEquals(0.0532, fitted.expectedPurchases(1), 0.00005);
    assertEquals(0.1506, fitted.expectedPurchases(3), 0.00005);
    // t = 78: an independent evaluation (scipy.special.hyp2f1 at a scipy Nelder-Mead MLE,
    // r=0.242593, alpha=4.413532, a=0.792886, b=2.425754) gives 1.85797, as we do; the published
    // 1.8576 is 0.0004 lower, most likely from the paper's spreadsheet estimates (E[X(78)] moves
    // by 0.003 between the rounded and unrounded estimates). Tolerance widened to 0.0005 for that.
    assertEquals(1.8576, fitted.expectedPurchases(78), 0.0005);
    assertEquals(1.857972, fitted.expectedPurchases(78), 0.000005);
    assertEquals(0.0, fitted.expectedPurchases(0), 0.0);
    // the customer of the paper with the unrounded estimates too
    assertEquals(1.226, fitted.conditionalExpectedPurchases(39, 2, 30.43, 38.86), 0.0005);
    assertEquals(0.7266, fitted.probabilityAlive(2, 30.43, 38.86), 0.00005);
  }

  @Test
  void hypergeometricSeriesMatchesClosedForms() {
    // 2F1(1, 1; 2; z) = -ln(1-z)/z; 2F1(a, b; b; z) = (1-z)^-a
    assertEquals(-Math.log(1 - 0.5) / 0.5, Hypergeometric.hyp2f1(1, 1, 2, 0.5), 1e-14);
    assertEquals(-Math.log(1 - 0.99) / 0.99, Hypergeometric.hyp2f1(1, 1, 2, 0.99), 1e-12);
    assertEquals(Math.pow(1 - 0.3, -2.5), Hypergeometric.hyp2f1(2.5, 1.7, 1.7, 0.3), 1e-13);
    assertEquals(1.0, Hypergeometric.hyp2f1(2.5, 1.7, 1.7, 0.0), 0.0);
  }

  @Test
  void conditionalExpectationIsContinuousAtAEqualToOne() {
    // a = 1 makes the paper's (a+b+x-1)/(a-1) factor singular; the rewritten form must not be.
    BgNbdParameters at = new BgNbdParameters(0.3, 4.0, 1.0, 2.5);
    BgNbdParameters near = new BgNbdParameters(0.3, 4.0, 1.0 + 1e-4, 2.5);
    double e1 = at.conditionalExpectedPurchases(52, 3, 20, 30);
    double e2 = near.conditionalExpectedPurchases(52, 3, 20, 30);
    assertTrue(Double.isFinite(e1) && e1 > 0);
    assertEquals(e2, e1, 1e-3 * e2);
  }

  @Test
  void heavyBuyerGivesAFiniteExpectation() {
    // x = 500: the untransformed 2F1 series would overflow; the expectation is about rate x horizon.
    double e = PUBLISHED.conditionalExpectedPurchases(39, 500, 38, 38.5);
    assertTrue(Double.isFinite(e) && e > 100 && e < 600, "got " + e);
  }

  @Test
  void tooFewRepeatBuyersGivesAnUnconvergedFitWithAReason() {
    double[] x = {0, 0, 0, 1, 2};
    double[] tx = {0, 0, 0, 3, 5};
    double[] t = {10, 8, 6, 9, 10};
    double[] w = {100, 50, 20, 3, 2};
    ModelFit fit = BgNbd.fit(x, tx, t, w, 20);
    assertFalse(fit.converged());
    assertEquals(175, fit.customers());
    assertNotNull(fit.failureReason());
    assertTrue(fit.failureReason().contains("too few repeat buyers: 5 of 175"), fit.failureReason());
    assertTrue(BgNbdParameters.from(fit).isEmpty());
  }

  @Test
  void invalidRowGivesAnUnconvergedFitNotAnException() {
    ModelFit fit = BgNbd.fit(new double[] {1}, new double[] {5}, new double[] {3}, new double[] {1}, 1);
    assertFalse(fit.converged());
    assertTrue(fit.failureReason().contains("t_x=5.0, T=3.0"), fit.failureReason());
  }

  @Test
  void quadratureAgreesWithTheHypergeometricSeriesWhereBothWork() {
    // Two independent evaluations of equation 10 (series; integral over the drop-out
    // probability), at the published estimates, the generator's drop-out Beta(2, 12), and a
    // large but still summable a, b; customer 1 of CDNOW and a one-time buyer.
    double[][] abs = {{0.793, 2.426}, {2, 12}, {55, 464}};
    for (double[] ab : abs) {
      BgNbdParameters p = new BgNbdParameters(0.243, 4.414, ab[0], ab[1]);
      for (double[] h : new double[][] {{2, 30.43, 38.86}, {0, 0, 20}, {12, 50, 52}}) {
        double series = p.conditionalExpectedPurchasesBySeries(39, h[0], h[1], h[2]);
        double quadrature = p.conditionalExpectedPurchasesByQuadrature(39, h[0], h[1], h[2]);
        assertEquals(series, quadrature, 1e-7 * series, "a=" + ab[0] + ", b=" + ab[1] + ", x=" + h[0]);
      }
    }
  }

  @Test
  void hugeAAndBGiveTheFixedDropOutLimitNotNaN() {
    // The bundled samples' fit: a=1.266e6, b=1.062e7 (a, b -> infinity, a/(a+b) = 0.1065). The
    // series cannot be summed there (its terms reach e^(a z)); the limit model has one drop-out
    // probability m = a/(a+b+x) for every customer, so E[X(t) | alive] = (1 - (A/(A + m t))^(r+x)) / m,
    // A = alpha + T (the gamma mixture of e^(-lambda m t)), times P(alive).
    BgNbdParameters p = new BgNbdParameters(0.7384, 3.217, 1.266e6, 1.062e7);
    double x = 3;
    double tx = 20;
    double age = 30;
    double t = 26.29;
    double m = 1.266e6 / (1.266e6 + 1.062e7 + x);
    double base = 3.217 + age;
    double limit = (1 - Math.pow(base / (base + m * t), 0.7384 + x)) / m * p.probabilityAlive(x, tx, age);
    double e = p.conditionalExpectedPurchases(t, x, tx, age);
    assertTrue(Double.isFinite(e));
    assertEquals(limit, e, 1e-5 * limit);
    double oneTime = p.conditionalExpectedPurchases(t, 0, 0, age);
    double m0 = 1.266e6 / (1.266e6 + 1.062e7);
    assertEquals((1 - Math.pow(base / (base + m0 * t), 0.7384)) / m0, oneTime, 1e-5 * oneTime);
  }

  @Test
  void dropOutBoundaryWarningNamesTheLimitReached() {
    // The bundled samples' fit: a and b both huge, a/(a+b) = 1.885e6 / 1.7325e7 = 0.1088.
    assertEquals("boundary solution: a=1.885e+06, b=1.544e+07, mean drop-out probability per purchase a/(a+b)=0.1088"
        + " (drop-out probability nearly the same for every customer)", BgNbd.dropoutBoundaryWarning(1.885e6, 1.544e7));
    // b alone huge: a/(a+b) = 0.8 / 2e7 = 4e-8, no drop-out.
    assertEquals("boundary solution: a=0.8000, b=2.000e+07, mean drop-out probability per purchase a/(a+b)=4.000e-08"
        + " (customers almost never drop out)", BgNbd.dropoutBoundaryWarning(0.8, 2e7));
    assertNull(BgNbd.dropoutBoundaryWarning(0.793, 2.426)); // CDNOW: interior
  }

  @Test
  void noDropOutDataIsFlaggedAsABoundarySolution() {
    // Every customer buys at a steady rate right up to the end of observation: nothing suggests
    // drop-out, so the estimate of a runs to 0.
    int n = 400;
    double[] x = new double[n];
    double[] tx = new double[n];
    double[] t = new double[n];
    double[] w = CdnowSummaries.ones(n);
    for (int i = 0; i < n; i++) {
      t[i] = 20 + (i % 20);
      x[i] = 1 + (i % 7);
      tx[i] = t[i];
    }
    ModelFit fit = BgNbd.fit(x, tx, t, w, 20);
    assertTrue(fit.converged(), () -> String.valueOf(fit.failureReason()));
    assertNotNull(fit.warning());
    assertTrue(fit.warning().contains("boundary solution"), fit.warning());
  }

  /** Reads the published CDNOW calibration summaries (../shared/data/cdnow) into columns. */
  static final class CdnowSummaries {
    final double[] id;
    final double[] x;
    final double[] tx;
    final double[] t;
    final double[] zbar;

    private CdnowSummaries(List<String> lines, boolean withZbar) {
      int n = lines.size() - 1;
      id = new double[n];
      x = new double[n];
      tx = new double[n];
      t = new double[n];
      zbar = new double[n];
      for (int i = 0; i < n; i++) {
        String[] f = lines.get(i + 1).trim().split(",");
        id[i] = Double.parseDouble(f[0]);
        x[i] = Double.parseDouble(f[1]);
        tx[i] = Double.parseDouble(f[2]);
        t[i] = Double.parseDouble(f[3]);
        zbar[i] = withZbar ? Double.parseDouble(f[4]) : Double.NaN;
      }
    }

    /** cdnow_customers_summary.csv: ID, frequency, recency, T. */
    static CdnowSummaries summary() {
      return read("cdnow/cdnow_customers_summary.csv", false);
    }

    /** cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T, zbar. */
    static CdnowSummaries withTransactions() {
      return read("cdnow/cdnow_customers_summary_with_transactions.csv", true);
    }

    private static CdnowSummaries read(String file, boolean withZbar) {
      try {
        return new CdnowSummaries(Files.readAllLines(SharedData.require(file)), withZbar);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static double[] ones(int n) {
      double[] w = new double[n];
      java.util.Arrays.fill(w, 1.0);
      return w;
    }
  }
}
