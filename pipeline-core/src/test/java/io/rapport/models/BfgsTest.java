package io.rapport.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BfgsTest {

  /** Rosenbrock: f = (1-x)^2 + 100 (y-x^2)^2, minimum 0 at (1, 1). */
  private static final Bfgs.Objective ROSENBROCK = (p, g) -> {
    double x = p[0];
    double y = p[1];
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
    return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
  };

  @Test
  void findsTheRosenbrockMinimum() {
    Bfgs.Result r = Bfgs.minimize(ROSENBROCK, new double[] {-1.2, 1.0}, Bfgs.Options.defaults());
    assertTrue(r.converged(), r.message());
    assertEquals(1.0, r.x()[0], 1e-6);
    assertEquals(1.0, r.x()[1], 1e-6);
    assertTrue(r.iterations() > 5 && r.iterations() < 200, "iterations " + r.iterations());
  }

  @Test
  void iterationLimitGivesAnUnconvergedResultWithTheReason() {
    Bfgs.Result r = Bfgs.minimize(ROSENBROCK, new double[] {-1.2, 1.0}, new Bfgs.Options(1e-10, 3, 5.0));
    assertFalse(r.converged());
    assertEquals(3, r.iterations());
    assertTrue(r.message().startsWith("iteration limit 3 reached"), r.message());
  }

  @Test
  void nonFiniteStartIsReportedNotThrown() {
    Bfgs.Result r = Bfgs.minimize((p, g) -> Double.NaN, new double[] {0.0}, Bfgs.Options.defaults());
    assertFalse(r.converged());
    assertEquals("objective is not finite at the starting point", r.message());
  }
}
