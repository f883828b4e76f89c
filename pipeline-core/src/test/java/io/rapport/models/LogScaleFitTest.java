package io.rapport.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fit procedure shared by Pareto/NBD and MBG/NBD, on likelihoods with known answers. */
class LogScaleFitTest {

  @Test
  void poissonRateIsFoundWithItsTextbookStandardError() {
    // 1,000 customers with 3 events each over time 2: lnL = 3000 ln(lambda) - 2000 lambda,
    // maximum at 1.5 with standard error sqrt(lambda / 2000) = 0.027386.
    ModelFit fit = LogScaleFit.fit("poisson", new String[] {"lambda"}, new double[] {0.1}, 1000,
        (p, g) -> {
          if (g != null) {
            g[0] = 3000 / p[0] - 2000;
          }
          return 3000 * Math.log(p[0]) - 2000 * p[0];
        }, p -> List.of());
    assertTrue(fit.converged(), fit.failureReason());
    assertEquals(1.5, fit.parameter("lambda"), 1e-6);
    assertEquals(Math.sqrt(1.5 / 2000), fit.standardErrors().get("lambda"), 1e-6);
    assertEquals(3000 * Math.log(1.5) - 3000, fit.logLikelihood(), 1e-6);
    assertNull(fit.warning());
  }

  @Test
  void boundaryWarningsOfTheModelAreRecorded() {
    ModelFit fit = LogScaleFit.fit("poisson", new String[] {"lambda"}, new double[] {1}, 10,
        (p, g) -> {
          if (g != null) {
            g[0] = 30 / p[0] - 20;
          }
          return 30 * Math.log(p[0]) - 20 * p[0];
        }, p -> List.of(String.format(java.util.Locale.ROOT, "boundary solution: lambda=%.4f", p[0])));
    assertTrue(fit.converged());
    assertEquals("boundary solution: lambda=1.5000", fit.warning());
  }

  @Test
  void unboundedLikelihoodGivesAnUnconvergedFitWithTheReason() {
    // lnL = lambda grows without bound: the optimiser walks off to infinity.
    ModelFit fit = LogScaleFit.fit("runaway", new String[] {"lambda"}, new double[] {1}, 1,
        (p, g) -> {
          if (g != null) {
            g[0] = 1;
          }
          return p[0];
        }, p -> List.of());
    assertFalse(fit.converged());
    assertTrue(fit.failureReason().startsWith("optimiser did not converge") || fit.failureReason().startsWith("optimiser left"),
        fit.failureReason());
  }
}
