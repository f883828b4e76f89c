package io.rapport.generate;

import java.util.SplittableRandom;

/**
 * Random variates drawn only from {@link SplittableRandom#nextDouble()} and {@link StrictMath},
 * so a seed gives the same numbers on every JVM and platform (the JDK's own nextGaussian and
 * nextExponential algorithms, and {@link Math}'s intrinsics, are not pinned by the spec).
 */
final class Distributions {
  private Distributions() {}

  /** Uniform on (0, 1], safe for logarithms. */
  static double positiveUniform(SplittableRandom rnd) {
    return 1.0 - rnd.nextDouble();
  }

  static boolean chance(SplittableRandom rnd, double probability) {
    return rnd.nextDouble() < probability;
  }

  /** Standard normal by the Marsaglia polar method. */
  static double normal(SplittableRandom rnd) {
    while (true) {
      double u = 2.0 * rnd.nextDouble() - 1.0;
      double v = 2.0 * rnd.nextDouble() - 1.0;
      double s = u * u + v * v;
      if (s > 0.0 && s < 1.0) {
        return u * StrictMath.sqrt(-2.0 * StrictMath.log(s) / s);
      }
    }
  }

  static double exponential(SplittableRandom rnd, double rate) {
    return -StrictMath.log(positiveUniform(rnd)) / rate;
  }

  /** Lognormal with the given median and log-scale standard deviation. */
  static double lognormal(SplittableRandom rnd, double median, double sigma) {
    return median * StrictMath.exp(sigma * normal(rnd));
  }

  /** Gamma(shape, rate) by Marsaglia and Tsang (2000), boosted for shape < 1. */
  static double gamma(SplittableRandom rnd, double shape, double rate) {
    if (shape < 1.0) {
      double boost = StrictMath.pow(positiveUniform(rnd), 1.0 / shape);
      return gamma(rnd, shape + 1.0, rate) * boost;
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / StrictMath.sqrt(9.0 * d);
    while (true) {
      double x = normal(rnd);
      double v = 1.0 + c * x;
      if (v <= 0.0) {
        continue;
      }
      v = v * v * v;
      double u = positiveUniform(rnd);
      if (StrictMath.log(u) < 0.5 * x * x + d - d * v + d * StrictMath.log(v)) {
        return d * v / rate;
      }
    }
  }

  static double beta(SplittableRandom rnd, double a, double b) {
    double x = gamma(rnd, a, 1.0);
    double y = gamma(rnd, b, 1.0);
    return x / (x + y);
  }

  /** Index drawn with probability proportional to its weight. */
  static int weighted(SplittableRandom rnd, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double target = rnd.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      target -= weights[i];
      if (target < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  static <T> T pick(SplittableRandom rnd, T[] values) {
    return values[rnd.nextInt(values.length)];
  }

  /** SplitMix64's finaliser: a bijection on longs, used for stream seeds and opaque ids. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** An independent stream for one (purpose, index) pair under a seed. */
  static SplittableRandom stream(long seed, long purpose, long index) {
    return new SplittableRandom(mix64(mix64(seed ^ 0x5DEECE66DL) + mix64(purpose * 0x9E3779B97F4A7C15L + index)));
  }
}
