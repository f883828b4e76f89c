package io.rapport.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VoiceStatisticsTest {

  @Test
  void specExampleFiftyThirtyTwentyGivesNps30Margin15point3() {
    // SPEC section 5: 50 promoters, 30 passives, 20 detractors of 100 -> NPS 30, margin 15.3.
    assertEquals(30.0, VoiceStatistics.nps(50, 20, 100), 1e-12);
    // 1.96 x 100 x sqrt((0.5 + 0.2 - 0.3^2) / 100) = 196 x sqrt(0.0061) = 15.30809
    assertEquals(15.30809, VoiceStatistics.npsMargin95(50, 20, 100), 1e-5);
    assertEquals(15.3, Math.round(VoiceStatistics.npsMargin95(50, 20, 100) * 10) / 10.0, 1e-12);
  }

  @Test
  void singleResponseHasNoMargin() {
    // One promoter: p = 1, d = 0, variance 1 - 1 = 0.
    assertEquals(100.0, VoiceStatistics.nps(1, 0, 1), 1e-12);
    assertEquals(0.0, VoiceStatistics.npsMargin95(1, 0, 1), 0.0);
    assertEquals(0.0, VoiceStatistics.npsMargin95(0, 0, 1), 0.0);
  }

  @Test
  void specExampleWilsonLowerBoundOfEightOfTen() {
    // SPEC section 5: 8 of 10 at z = 1.96 -> 0.490.
    // Hand: (0.8 + 0.19208 - 1.96 x sqrt(0.016 + 0.009604)) / 1.38416 = 0.490157
    assertEquals(0.490157, VoiceStatistics.wilsonLower(8, 10, 1.96), 1e-6);
    assertEquals(0.943319, VoiceStatistics.wilsonUpper(8, 10, 1.96), 1e-6);
  }

  @Test
  void wilsonBoundsStayWithinTheUnitIntervalAtTheEdges() {
    assertEquals(0.0, VoiceStatistics.wilsonLower(0, 5, 1.96), 0.0);
    assertEquals(1.0, VoiceStatistics.wilsonUpper(5, 5, 1.96), 0.0);
    // 0 of 5: upper = z^2/n / (1 + z^2/n) = 0.76832 / 1.76832 = 0.4344915
    assertEquals(0.4344915, VoiceStatistics.wilsonUpper(0, 5, 1.96), 1e-6);
  }

  @Test
  void twoSidedNormalPValues() {
    // Standard normal table: P(|Z| >= 1.959964) = 0.05, P(|Z| >= 0) = 1, P(|Z| >= 5) = 5.733031e-7.
    assertEquals(0.05, VoiceStatistics.twoSidedNormalPValue(1.959964), 1e-7);
    assertEquals(0.05, VoiceStatistics.twoSidedNormalPValue(-1.959964), 1e-7);
    assertEquals(1.0, VoiceStatistics.twoSidedNormalPValue(0.0), 1e-15);
    assertEquals(5.733031e-7, VoiceStatistics.twoSidedNormalPValue(5.0), 1e-13);
    // erfc(3/sqrt 2) = 0.0026997960632601866 (either side of the switch between methods at 3).
    assertEquals(0.0026997960632601866, VoiceStatistics.twoSidedNormalPValue(3.0), 1e-15);
    assertEquals(0.0026997960632601866, VoiceStatistics.twoSidedNormalPValue(Math.nextDown(3.0)), 1e-14);
    assertTrue(VoiceStatistics.twoSidedNormalPValue(40) >= 0.0);
  }

  @Test
  void npsChangeTestByHand() {
    // Previous: 2 promoters, 1 passive, 1 detractor of 4: NPS 25, variance 0.75 - 0.25^2 = 0.6875.
    // Current: 4 promoters of 4: NPS 100, variance 0.
    // z = (1 - 0.25) / sqrt(0.6875 / 4 + 0) = 0.75 / 0.414578 = 1.809068; p = erfc(z / sqrt 2) = 0.0704404
    assertEquals(0.0704404293, VoiceStatistics.npsChangePValue(4, 0, 4, 2, 1, 4), 1e-9);
    // Current: 4 detractors of 4: z = -1.25 / 0.414578 = -3.015113; p = 0.0025688315
    assertEquals(0.0025688315, VoiceStatistics.npsChangePValue(0, 4, 4, 2, 1, 4), 1e-9);
  }

  @Test
  void npsChangeTestIsUndefinedWithoutVariance() {
    // All promoters in both periods: no spread at all, the z statistic is 0/0.
    assertTrue(Double.isNaN(VoiceStatistics.npsChangePValue(3, 0, 3, 5, 0, 5)));
  }

  @Test
  void impossibleCountsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> VoiceStatistics.nps(1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> VoiceStatistics.nps(3, 3, 5));
    assertThrows(IllegalArgumentException.class, () -> VoiceStatistics.wilsonLower(6, 5, 1.96));
  }
}
