package io.rapport.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.commons.math3.special.Gamma.logGamma;

import io.rapport.models.BgNbdTest.CdnowSummaries;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * MBG/NBD (Batislam, Denizel &amp; Filiztekin 2007) on the CDNOW 1/10 sample. No log-likelihood is
 * published; the estimates r=0.525, alpha=6.183, a=0.891, b=1.614 are those lifetimes' test suite
 * asserts to 3 decimals against the R package BTYDplus (../shared/data/cdnow/README.md). The fit is
 * also compared with an independent implementation written here: the paper's likelihood, one plain
 * term per customer, maximised by Nelder-Mead (no gradient, no shared code with the production fit).
 */
class MbgNbdTest {

  @Test
  void fitOnCdnowMatchesBtydplusAndAnIndependentNelderMead() {
    CdnowSummaries s = CdnowSummaries.summary();
    ModelFit fit = MbgNbd.fit(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length), 20);
    assertTrue(fit.converged(), () -> "not converged: " + fit.failureReason());
    assertEquals(ModelNames.MBG_NBD, fit.model());
    assertEquals(0.525, fit.parameter("r"), 0.0005);
    assertEquals(6.183, fit.parameter("alpha"), 0.0005);
    assertEquals(0.891, fit.parameter("a"), 0.0005);
    assertEquals(1.614, fit.parameter("b"), 0.0005);
    assertEquals(2357, fit.customers());
    assertNull(fit.warning());
    for (String name : new String[] {"r", "alpha", "a", "b"}) {
      double se = fit.standardErrors().get(name);
      assertTrue(se > 0 && se < fit.parameter(name), name + " se " + se);
    }

    ToDoubleFunction<double[]> negativeLogLikelihood = logParams -> {
      double r = Math.exp(logParams[0]);
      double alpha = Math.exp(logParams[1]);
      double a = Math.exp(logParams[2]);
      double b = Math.exp(logParams[3]);
      double total = 0;
      for (int i = 0; i < s.x.length; i++) {
        total += paperLogLikelihood(r, alpha, a, b, s.x[i], s.tx[i], s.t[i]);
      }
      return -total;
    };
    double[] best = nelderMead(negativeLogLikelihood, new double[] {0.0, 1.0, 0.0, 0.0});
    best = nelderMead(negativeLogLikelihood, best); // restart from the first optimum
    double[] independent = Arrays.stream(best).map(Math::exp).toArray();
    assertEquals(independent[0], fit.parameter("r"), 1e-4 * independent[0]);
    assertEquals(independent[1], fit.parameter("alpha"), 1e-4 * independent[1]);
    assertEquals(independent[2], fit.parameter("a"), 1e-4 * independent[2]);
    assertEquals(independent[3], fit.parameter("b"), 1e-4 * independent[3]);
    assertEquals(-negativeLogLikelihood.applyAsDouble(best), fit.logLikelihood(), 1e-5);
    // The same value from the production likelihood at the independent optimum.
    assertEquals(-negativeLogLikelihood.applyAsDouble(best),
        new MbgNbdLikelihood(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length)).evaluate(
            independent[0], independent[1], independent[2], independent[3], null), 1e-8);
  }

  @Test
  void analyticGradientMatchesFiniteDifferences() {
    CdnowSummaries s = CdnowSummaries.summary();
    MbgNbdLikelihood ll = new MbgNbdLikelihood(s.x, s.tx, s.t, CdnowSummaries.ones(s.x.length));
    for (double[] p : new double[][] {{0.4, 3.0, 1.3, 2.0}, {0.8, 9.0, 0.5, 4.0}, {0.3, 5.0, 2.5, 0.7}}) {
      double[] g = new double[4];
      ll.evaluate(p[0], p[1], p[2], p[3], g);
      for (int i = 0; i < 4; i++) {
        double h = 1e-6 * p[i];
        double[] up = p.clone();
        double[] down = p.clone();
        up[i] += h;
        down[i] -= h;
        double fd = (ll.evaluate(up[0], up[1], up[2], up[3], null) - ll.evaluate(down[0], down[1], down[2], down[3], null)) / (2 * h);
        assertEquals(fd, g[i], 1e-5 * Math.max(1, Math.abs(fd)), "d/d param " + i + " at " + Arrays.toString(p));
        assertTrue(Math.abs(g[i]) > 1, "gradient component " + i + " should be clearly non-zero");
      }
    }
  }

  @Test
  void perCustomerQuantitiesMatchTheirDefiningExpressions() {
    MbgNbdParameters p = new MbgNbdParameters(0.525, 6.183, 0.891, 1.614);
    double x = 2;
    double tx = 30.43;
    double age = 38.86;
    // P(alive): paper equation 7, written out.
    double odds = p.a() / (p.b() + x) * Math.pow((p.alpha() + age) / (p.alpha() + tx), p.r() + x);
    assertEquals(1 / (1 + odds), p.probabilityAlive(x, tx, age), 1e-14);
    // A one-time buyer may have dropped out at time 0: P(alive) < 1, unlike BG/NBD.
    assertTrue(p.probabilityAlive(0, 0, 30) < 1);
    // E[X(t) | alive]: p ~ beta(a, b + x + 1), E over p of (1 - ((alpha+T)/(alpha+T+p t))^(r+x)) / p,
    // integrated numerically over the beta density in the log-odds (smooth for a < 1).
    double t = 39;
    double base = p.alpha() + age;
    double a = p.a();
    double b1 = p.b() + x + 1;
    double rx = p.r() + x;
    double num = 0;
    double den = 0;
    double h = 1e-3;
    for (double y = -60; y < 40; y += h) {
      double mid = y + h / 2;
      double q = 1 / (1 + Math.exp(-mid));
      double density = Math.exp(a * mid - (a + b1) * Math.log1p(Math.exp(mid)));
      num += density * (1 - Math.pow(base / (base + q * t), rx)) / q;
      den += density;
    }
    double expected = num / den * p.probabilityAlive(x, tx, age);
    assertEquals(expected, p.conditionalExpectedPurchases(t, x, tx, age), 1e-7 * expected);
    // Unconditional: paper equation 8, b/(a-1) (1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))).
    for (double horizon : new double[] {1, 39, 78}) {
      double z = horizon / (p.alpha() + horizon);
      double direct = p.b() / (p.a() - 1) * (1 - Math.pow(p.alpha() / (p.alpha() + horizon), p.r())
          * Hypergeometric.hyp2f1(p.r(), p.b() + 1, p.a() + p.b(), z));
      assertEquals(direct, p.expectedPurchases(horizon), 1e-10 * direct);
    }
  }

  @Test
  void tooFewRepeatBuyersGivesAnUnconvergedFitWithAReason() {
    ModelFit fit = MbgNbd.fit(new double[] {0, 0, 2}, new double[] {0, 0, 5}, new double[] {10, 8, 10}, new double[] {100, 50, 2}, 20);
    assertFalse(fit.converged());
    assertTrue(fit.failureReason().contains("too few repeat buyers: 2 of 152"), fit.failureReason());
    assertTrue(MbgNbdParameters.from(fit).isEmpty());
  }

  @Test
  void invalidRowGivesAnUnconvergedFitNotAnException() {
    ModelFit fit = MbgNbd.fit(new double[] {-1}, new double[] {0}, new double[] {3}, new double[] {1}, 1);
    assertFalse(fit.converged());
    assertTrue(fit.failureReason().contains("x=-1.0"), fit.failureReason());
  }

  /** Batislam et al. (2007), equation 4, one customer, computed directly. */
  private static double paperLogLikelihood(double r, double alpha, double a, double b, double x, double tx, double age) {
    double front = logGamma(r + x) - logGamma(r) + r * Math.log(alpha)
        + logGamma(a + b) + logGamma(b + x + 1) - logGamma(b) - logGamma(a + b + x + 1);
    double bracket = Math.pow(alpha + age, -(r + x)) + a / (b + x) * Math.pow(alpha + tx, -(r + x));
    return front + Math.log(bracket);
  }

  /** Textbook Nelder-Mead (reflection 1, expansion 2, contraction 0.5, shrink 0.5). */
  private static double[] nelderMead(ToDoubleFunction<double[]> f, double[] start) {
    int n = start.length;
    double[][] simplex = new double[n + 1][];
    double[] values = new double[n + 1];
    simplex[0] = start.clone();
    for (int i = 0; i < n; i++) {
      simplex[i + 1] = start.clone();
      simplex[i + 1][i] += 0.5;
    }
    for (int i = 0; i <= n; i++) {
      values[i] = f.applyAsDouble(simplex[i]);
    }
    for (int iter = 0; iter < 20_000; iter++) {
      Integer[] order = new Integer[n + 1];
      for (int i = 0; i <= n; i++) {
        order[i] = i;
      }
      final double[] v = values;
      Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
      double[][] s = new double[n + 1][];
      double[] sv = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        s[i] = simplex[order[i]];
        sv[i] = values[order[i]];
      }
      simplex = s;
      values = sv;
      if (values[n] - values[0] < 1e-11) {
        break;
      }
      double[] centroid = new double[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          centroid[j] += simplex[i][j] / n;
        }
      }
      double[] reflected = combine(centroid, simplex[n], -1);
      double fr = f.applyAsDouble(reflected);
      if (fr < values[0]) {
        double[] expanded = combine(centroid, simplex[n], -2);
        double fe = f.applyAsDouble(expanded);
        if (fe < fr) {
          simplex[n] = expanded;
          values[n] = fe;
        } else {
          simplex[n] = reflected;
          values[n] = fr;
        }
      } else if (fr < values[n - 1]) {
        simplex[n] = reflected;
        values[n] = fr;
      } else {
        double[] contracted = combine(centroid, simplex[n], 0.5);
        double fc = f.applyAsDouble(contracted);
        if (fc < values[n]) {
          simplex[n] = contracted;
          values[n] = fc;
        } else {
          for (int i = 1; i <= n; i++) {
            simplex[i] = combine(simplex[0], simplex[i], 0.5);
            values[i] = f.applyAsDouble(simplex[i]);
          }
        }
      }
    }
    int bestIndex = 0;
    for (int i = 1; i <= n; i++) {
      if (values[i] < values[bestIndex]) {
        bestIndex = i;
      }
    }
    return simplex[bestIndex];
  }

  /** centroid + t (point - centroid). */
  private static double[] combine(double[] centroid, double[] point, double t) {
    double[] out = new double[centroid.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = centroid[i] + t * (point[i] - centroid[i]);
    }
    return out;
  }
}
