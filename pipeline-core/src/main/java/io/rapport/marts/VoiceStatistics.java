package io.rapport.marts;

/**
 * The survey and review statistics of SPEC section 5 as plain Java formulas: NPS and its 95%
 * margin, the Wilson score interval of a proportion, and the two-sample z-test on a change of
 * NPS. The voice marts call these through Spark UDFs so each formula has one implementation,
 * tested without Spark.
 *
 * <p>Conventions: counts are whole numbers of responses; NPS and its margin are in NPS points
 * (-100..100); Wilson bounds are fractions (0..1); p-values are two-sided.
 */
public final class VoiceStatistics {
  private VoiceStatistics() {}

  /** z of a two-sided 95% interval, as SPEC section 5 fixes it (1.96, not 1.959964...). */
  public static final double Z_95 = 1.96;

  /** Significance level used for {@code is_significant_change}. */
  public static final double SIGNIFICANCE_LEVEL = 0.05;

  /** NPS = 100 x (promoters - detractors) / responses. SPEC: 50/30/20 of 100 gives 30. */
  public static double nps(long promoters, long detractors, long responses) {
    requireCounts(promoters, detractors, responses);
    return 100.0 * (promoters - detractors) / responses;
  }

  /**
   * Per-response variance of the NPS score on the fraction scale: each response scores +1
   * (promoter), 0 (passive) or -1 (detractor), so the variance is p + d - (p - d)^2 with p, d
   * the promoter and detractor shares.
   */
  public static double npsResponseVariance(long promoters, long detractors, long responses) {
    requireCounts(promoters, detractors, responses);
    double p = (double) promoters / responses;
    double d = (double) detractors / responses;
    // Clamp the rounding residue of an exact zero (all promoters: 1 - 1^2) at 0.
    return Math.max(0.0, p + d - (p - d) * (p - d));
  }

  /**
   * Half-width of the 95% interval of NPS in NPS points: 1.96 x 100 x sqrt((p + d - (p - d)^2) / n).
   * SPEC: 50/30/20 of 100 gives 15.3. A single response gives 0 (no spread is observable).
   */
  public static double npsMargin95(long promoters, long detractors, long responses) {
    return Z_95 * 100.0 * Math.sqrt(npsResponseVariance(promoters, detractors, responses) / responses);
  }

  /**
   * Lower bound of the Wilson score interval of successes / n at z, as a fraction.
   * SPEC: 8 of 10 at z = 1.96 gives 0.490.
   */
  public static double wilsonLower(long successes, long n, double z) {
    return wilson(successes, n, z, -1);
  }

  /** Upper bound of the Wilson score interval of successes / n at z, as a fraction. */
  public static double wilsonUpper(long successes, long n, double z) {
    return wilson(successes, n, z, +1);
  }

  private static double wilson(long successes, long n, double z, int sign) {
    if (n <= 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException(
          "Cannot compute a Wilson bound: need 0 <= successes <= n and n > 0, got " + successes + " of " + n);
    }
    double phat = (double) successes / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = phat + z2 / (2.0 * n);
    double half = z * Math.sqrt(phat * (1 - phat) / n + z2 / (4.0 * n * n));
    double bound = (centre + sign * half) / denominator;
    // Exact 0 or 1 at the edges (0 of n, n of n) despite rounding.
    return Math.min(1.0, Math.max(0.0, bound));
  }

  /**
   * Two-sided p-value of the two-sample z-test on the difference of NPS between two independent
   * samples (current minus previous), with the per-sample variance of {@link
   * #npsResponseVariance} divided by its size, as in the margin formula. Returns {@code NaN} when
   * both samples have zero variance (for example all promoters in both): the test is undefined.
   */
  public static double npsChangePValue(
      long promoters, long detractors, long responses,
      long previousPromoters, long previousDetractors, long previousResponses) {
    double difference = (double) (promoters - detractors) / responses
        - (double) (previousPromoters - previousDetractors) / previousResponses;
    double standardError = Math.sqrt(
        npsResponseVariance(promoters, detractors, responses) / responses
            + npsResponseVariance(previousPromoters, previousDetractors, previousResponses) / previousResponses);
    if (standardError == 0.0) {
      return Double.NaN;
    }
    return twoSidedNormalPValue(difference / standardError);
  }

  /** P(|Z| >= |z|) for a standard normal Z. */
  public static double twoSidedNormalPValue(double z) {
    return Math.min(1.0, 2.0 * upperNormalTail(Math.abs(z)));
  }

  /**
   * P(Z >= x) for x >= 0. Below 3 the Taylor series of the normal CDF,
   * Phi(x) = 1/2 + phi(x) (x + x^3/3 + x^5/(3*5) + ...), whose terms are all positive so it sums
   * without cancellation; from 3 on the continued fraction
   * Q(x) = phi(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), evaluated from the tail, which keeps the
   * relative accuracy of tiny tails.
   */
  static double upperNormalTail(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x < 0) {
      return 1.0 - upperNormalTail(-x);
    }
    double density = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    if (x < 3.0) {
      double term = x;
      double sum = x;
      for (int k = 1; k < 500 && term > 1e-17 * sum; k++) {
        term = term * x * x / (2 * k + 1);
        sum += term;
      }
      return 0.5 - density * sum;
    }
    double fraction = x;
    for (int k = 200; k >= 1; k--) {
      fraction = x + k / fraction;
    }
    return density / fraction;
  }

  private static void requireCounts(long promoters, long detractors, long responses) {
    if (responses <= 0 || promoters < 0 || detractors < 0 || promoters + detractors > responses) {
      throw new IllegalArgumentException("Cannot compute NPS: need promoters + detractors <= responses and "
          + "responses > 0, got " + promoters + " promoters, " + detractors + " detractors of " + responses);
    }
  }
}
