package io.rapport.models;

/**
 * Gauss-Legendre nodes and weights on [-1, 1], the roots of the Legendre polynomial P_n found by
 * Newton's method from Chebyshev guesses. Shared by the quadratures of the models package.
 */
final class GaussLegendre {
  final double[] nodes;
  final double[] weights;

  GaussLegendre(int points) {
    nodes = new double[points];
    weights = new double[points];
    for (int i = 0; i < points; i++) {
      double x = Math.cos(Math.PI * (i + 0.75) / (points + 0.5));
      double derivative = 0;
      for (int iter = 0; iter < 100; iter++) {
        double p0 = 1;
        double p1 = x;
        for (int k = 2; k <= points; k++) {
          double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        derivative = points * (x * p1 - p0) / (x * x - 1);
        double dx = p1 / derivative;
        x -= dx;
        if (Math.abs(dx) < 1e-15) {
          break;
        }
      }
      nodes[i] = x;
      weights[i] = 2 / ((1 - x * x) * derivative * derivative);
    }
  }

  int size() {
    return nodes.length;
  }
}
