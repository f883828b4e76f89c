package io.rapport.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Draws on the log scale: their moments are those of the delta-method covariance; seeded; filtered. */
class ParameterDrawsTest {

  /** p = (2, 50); natural covariance [[0.04, 0.6], [0.6, 25]]: log-scale sd 0.1 and 0.1, correlation 0.6. */
  private static ModelFit fit() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("r", 2.0);
    p.put("alpha", 50.0);
    return new ModelFit("bg_nbd", p, Map.of(), -1, 100, 10, true, null, null, new double[][] {{0.04, 0.6}, {0.6, 25}});
  }

  @Test
  void logScaleCovarianceIsTheDeltaMethod() {
    double[][] log = fit().logScaleCovariance();
    // cov / (p_i p_j): 0.04 / 4 = 0.01, 0.6 / 100 = 0.006, 25 / 2500 = 0.01
    assertArrayEquals(new double[] {0.01, 0.006}, log[0], 1e-15);
    assertArrayEquals(new double[] {0.006, 0.01}, log[1], 1e-15);
  }

  @Test
  void drawsHaveTheLogScaleMomentsAndArePositive() {
    List<double[]> draws = ParameterDraws.draw(fit(), 20_000, new Random(7), p -> true);
    double m0 = 0;
    double m1 = 0;
    for (double[] d : draws) {
      assertTrue(d[0] > 0 && d[1] > 0);
      m0 += Math.log(d[0]) / draws.size();
      m1 += Math.log(d[1]) / draws.size();
    }
    double v0 = 0;
    double v1 = 0;
    double c = 0;
    for (double[] d : draws) {
      double a = Math.log(d[0]) - m0;
      double b = Math.log(d[1]) - m1;
      v0 += a * a / draws.size();
      v1 += b * b / draws.size();
      c += a * b / draws.size();
    }
    // standard errors of these sample moments at n = 20,000 are about 1e-4 (variances) and 7e-4 (means)
    assertEquals(Math.log(2), m0, 0.003);
    assertEquals(Math.log(50), m1, 0.003);
    assertEquals(0.01, v0, 0.0005);
    assertEquals(0.01, v1, 0.0005);
    assertEquals(0.6, c / Math.sqrt(v0 * v1), 0.02);
  }

  @Test
  void theSameSeedGivesTheSameDraws() {
    List<double[]> a = ParameterDraws.draw(fit(), 5, new Random(42), p -> true);
    List<double[]> b = ParameterDraws.draw(fit(), 5, new Random(42), p -> true);
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(a.get(i), b.get(i), 0.0);
    }
  }

  @Test
  void inadmissibleDrawsAreRedrawnAndAHopelessFilterGivesNone() {
    List<double[]> above = ParameterDraws.draw(fit(), 200, new Random(1), p -> p[0] > 2);
    assertEquals(200, above.size());
    assertTrue(above.stream().allMatch(p -> p[0] > 2));
    assertNull(ParameterDraws.draw(fit(), 10, new Random(1), p -> false));
  }

  @Test
  void noCovarianceGivesNoDraws() {
    ModelFit without = new ModelFit("bg_nbd", Map.of("r", 2.0), Map.of(), -1, 100, 10, true, null, null);
    assertNull(ParameterDraws.draw(without, 10, new Random(1), p -> true));
    assertNull(ParameterDraws.draw(ModelFit.failed("bg_nbd", 1, "x"), 10, new Random(1), p -> true));
  }
}
