package io.rapport.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The closed-form limits used when a fit ends on the boundary of its parameter space: BG/NBD with
 * a, b -&gt; infinity at a fixed a/(a+b) (one drop-out probability per purchase for everyone), and
 * Gamma-Gamma with q -&gt; infinity. Each is checked against the exact evaluation it replaces (the
 * quadrature over the drop-out probability, the hypergeometric series) at large finite parameters.
 */
class BoundaryLimitsTest {

  /** The bundled samples' BG/NBD fit (CLV-12 in docs/decisions/clv-metrics.md): a/(a+b) = 0.1065. */
  private static final BgNbdParameters SAMPLES = new BgNbdParameters(0.7384, 3.217, 1.266e6, 1.062e7);

  private static final double[] FREQUENCIES = {0, 1, 3, 10, 50, 300};
  private static final double[] AGES = {0.5, 5, 30, 150};
  private static final double[] HORIZONS = {1, 4.35, 26, 52, 104};

  @Test
  void dropOutLimitAgreesWithTheQuadratureItReplaces() {
    // Boundary-like fits (a + b from 1.1e5 to 1.2e7, mean drop-out 0.1 and 4e-8) and one a -> 0 case.
    double[][] abs = {{1.266e6, 1.062e7}, {1e5, 9e5}, {0.8, 2e7}, {5, 1e7}};
    for (double[] ab : abs) {
      BgNbdParameters p = new BgNbdParameters(0.7384, 3.217, ab[0], ab[1]);
      int used = 0;
      for (double x : FREQUENCIES) {
        for (double age : AGES) {
          for (double t : HORIZONS) {
            if (!p.dropoutLimitApplies(t, x, age)) {
              continue;
            }
            used++;
            double limit = p.expectedPurchasesIfAliveAtDropoutLimit(t, x, age);
            double quadrature = p.expectedPurchasesIfAliveByQuadrature(t, x, age);
            assertEquals(quadrature, limit, 1e-9 * quadrature, "a=" + ab[0] + ", b=" + ab[1] + ", x=" + x + ", T=" + age + ", t=" + t);
          }
        }
      }
      assertTrue(used >= 100, "the limit should cover nearly every customer of a boundary fit, got " + used + " of 120");
    }
  }

  @Test
  void boundaryFitUsesTheClosedFormForEveryCustomerOfTheSamples() {
    // The samples' fit: every (x, T, horizon month) goes through the closed form, not quadrature.
    for (double x : FREQUENCIES) {
      for (double age : AGES) {
        for (int month = 1; month <= 12; month++) {
          double t = month * 365.25 / 12 / 7;
          assertTrue(SAMPLES.dropoutLimitApplies(t, x, age), "x=" + x + ", T=" + age + ", month " + month);
          assertEquals(SAMPLES.expectedPurchasesIfAliveAtDropoutLimit(t, x, age) / (x == 0 ? 1 : 1 + dropoutOdds(SAMPLES, x, age / 2, age)),
              SAMPLES.conditionalExpectedPurchases(t, x, age / 2, age), 1e-13 * SAMPLES.conditionalExpectedPurchases(t, x, age / 2, age));
        }
      }
    }
  }

  @Test
  void limitIsTheFixedDropOutProbabilityModel() {
    // With one drop-out probability m for everyone, E[X(t) | alive] = E_lambda[(1 - e^(-lambda m t)) / m]
    // = (1 - ((alpha+T)/(alpha+T+m t))^(r+x)) / m; P(alive) = 1 / (1 + m/(1-m) ((alpha+T)/(alpha+t_x))^(r+x)).
    double m = 0.1065;
    for (double scale : new double[] {1e8, 1e10}) {
      BgNbdParameters p = new BgNbdParameters(0.7384, 3.217, m * scale, (1 - m) * scale);
      double x = 3;
      double tx = 20;
      double age = 30;
      double t = 26;
      double base = 3.217 + age;
      double fixed = (1 - Math.pow(base / (base + m * t), 0.7384 + x)) / m;
      assertEquals(fixed, p.expectedPurchasesIfAlive(t, x, age), 1e-6 * fixed * 1e8 / scale);
      double aliveFixed = 1 / (1 + m / (1 - m) * Math.pow((3.217 + age) / (3.217 + tx), 0.7384 + x));
      assertEquals(aliveFixed, p.probabilityAlive(x, tx, age), 1e-7 * 1e8 / scale);
    }
  }

  @Test
  void limitMeetsTheSeriesWhereBothAreExact() {
    // Just below the series limit (a + b = 499) the series is exact; the closed form with its
    // variance term is within its third-order error of it wherever it claims to apply.
    BgNbdParameters p = new BgNbdParameters(0.243, 4.414, 49.9, 449.1);
    int checked = 0;
    for (double x : FREQUENCIES) {
      for (double age : AGES) {
        for (double t : HORIZONS) {
          double series = p.expectedPurchasesIfAliveBySeries(t, x, age);
          double limit = p.expectedPurchasesIfAliveAtDropoutLimit(t, x, age);
          // a second-order expansion of a wide posterior (sd/m up to 0.14 here) is still close
          assertEquals(series, limit, 1e-2 * series, "x=" + x + ", T=" + age + ", t=" + t);
          if (p.dropoutLimitApplies(t, x, age)) {
            assertEquals(series, limit, 1e-9 * series);
            checked++;
          }
        }
      }
    }
    assertTrue(checked > 0, "some flat cases (small horizon or low rate) should pass the criterion");
  }

  @Test
  void interiorFitsKeepTheSeries() {
    // CDNOW's a + b = 3.2: the series path, unchanged (BgNbdTest holds its published figures).
    BgNbdParameters cdnow = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);
    assertEquals(cdnow.conditionalExpectedPurchasesBySeries(39, 2, 30.43, 38.86), cdnow.conditionalExpectedPurchases(39, 2, 30.43, 38.86), 0.0);
    // A wide posterior at a + b > 500 falls back to quadrature instead of the expansion.
    BgNbdParameters wide = new BgNbdParameters(0.5, 4, 600, 600);
    assertFalse(wide.dropoutLimitApplies(52, 300, 30));
  }

  @Test
  void secondDerivativeSeriesMeetsTheClosedForm() {
    // h(y) = (1 - (1+y)^-k)/y: its h'' switches from a power series to the closed form at y (k+3) = 0.25.
    for (double k : new double[] {0.3, 3, 40}) {
      double y = 0.25 / (k + 3);
      double seriesSide = BgNbdParameters.savingsSecondDerivative(k, y * (1 - 1e-9));
      double closedSide = BgNbdParameters.savingsSecondDerivative(k, y * (1 + 1e-9));
      assertEquals(closedSide, seriesSide, 1e-7 * Math.abs(closedSide), "k=" + k);
      // and against a central second difference of h itself
      double h = 1e-4 * y;
      double fd = (BgNbdParameters.savings(k, 2 * y + h) - 2 * BgNbdParameters.savings(k, 2 * y) + BgNbdParameters.savings(k, 2 * y - h)) / (h * h);
      assertEquals(fd, BgNbdParameters.savingsSecondDerivative(k, 2 * y), 1e-4 * Math.abs(fd), "k=" + k);
    }
    assertEquals(0.3 * 1.3 * 2.3 / 3, BgNbdParameters.savingsSecondDerivative(0.3, 0), 1e-15);
  }

  @Test
  void mbgNbdUsesTheSameLimitWithItsShiftedB() {
    // MBG/NBD at a boundary: alive after x + 1 survived chances, p ~ beta(a, b + x + 1).
    MbgNbdParameters p = new MbgNbdParameters(0.7384, 3.217, 1.266e6, 1.062e7);
    BgNbdParameters shifted = new BgNbdParameters(0.7384, 3.217, 1.266e6, 1.062e7 + 1);
    double e = p.conditionalExpectedPurchases(26, 3, 20, 30);
    assertEquals(shifted.expectedPurchasesIfAliveByQuadrature(26, 3, 30) * p.probabilityAlive(3, 20, 30), e, 1e-9 * e);
  }

  @Test
  void gammaGammaSpendTendsToThePopulationMeanAsQGrowsWithoutBound() {
    // q -> infinity with v/(q-1) = theta fixed: every customer's nu is the same, so the expected
    // spend is p theta whatever the history. E[Z | x, zbar] = p (v + x zbar) / (p x + q - 1) is the
    // credibility mix w zbar + (1 - w) p theta with w = p x / (p x + q - 1) -> 0; it is closed form
    // for every q (no fallback), and at q = 1e12 the history's weight is below 1e-9.
    double p = 6.25;
    double theta = 35.17 / p;
    double previousGap = Double.POSITIVE_INFINITY;
    for (double q : new double[] {1e3, 1e6, 1e9, 1e12}) {
      GammaGammaParameters params = new GammaGammaParameters(p, q, theta * (q - 1));
      assertEquals(p * theta, params.populationMeanValue(), 1e-12 * p * theta);
      double w = p * 5 / (p * 5 + q - 1);
      double mix = w * 80 + (1 - w) * p * theta;
      double spend = params.conditionalExpectedValue(5, 80);
      assertEquals(mix, spend, 1e-12 * mix);
      double gap = Math.abs(spend - p * theta);
      assertTrue(gap < previousGap, "the history's pull must shrink with q");
      previousGap = gap;
    }
    assertTrue(previousGap < 1e-9 * p * theta * 10);
  }

  private static double dropoutOdds(BgNbdParameters p, double x, double tx, double age) {
    return p.a() / (p.b() + x - 1) * Math.pow((p.alpha() + age) / (p.alpha() + tx), p.r() + x);
  }
}
