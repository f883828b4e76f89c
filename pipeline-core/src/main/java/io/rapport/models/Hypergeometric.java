package io.rapport.models;

/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) for 0 &lt;= z &lt; 1 by its power series,
 * guarded: the series is summed until a term no longer changes the sum, with an iteration cap;
 * a sum that does not settle within the cap, or that overflows, gives NaN rather than a wrong
 * number.
 */
public final class Hypergeometric {
  private Hypergeometric() {}

  /** Upper bound on series terms; reached only for z very close to 1. */
  public static final int MAX_TERMS = 1_000_000;

  /** 2F1(a, b; c; z) = sum_k (a)_k (b)_k / ((c)_k k!) z^k, for 0 &lt;= z &lt; 1 and c not 0, -1, -2, ... */
  public static double hyp2f1(double a, double b, double c, double z) {
    return 1 + seriesTail(a, b, c, z, 1.0);
  }

  /**
   * sum_{k &gt;= 1} of the 2F1 series terms, the first term being {@code first * a * b / c * z}
   * (first = 1 gives 2F1 - 1). Used to sum series whose first factor was divided out.
   */
  static double seriesTail(double a, double b, double c, double z, double first) {
    if (!(z >= 0 && z < 1)) {
      throw new IllegalArgumentException("Cannot evaluate 2F1: z=" + z + " is outside [0, 1)");
    }
    double term = first * a * b / c * z;
    double sum = 0;
    for (int k = 1; k <= MAX_TERMS; k++) {
      sum += term;
      if (!Double.isFinite(sum)) {
        return Double.NaN;
      }
      double ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
      // Once k exceeds |a| + |b| and the term ratio is below 1, terms only shrink (the ratio
      // tends to z < 1), so a term too small to change the sum ends the series.
      if ((term == 0 || Math.abs(term) <= 1e-16 * Math.abs(sum)) && Math.abs(ratio) < 1 && k > Math.abs(a) + Math.abs(b)) {
        return sum;
      }
      term *= ratio;
    }
    return Double.NaN;
  }
}
