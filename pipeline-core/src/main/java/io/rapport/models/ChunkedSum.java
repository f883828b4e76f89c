package io.rapport.models;

import java.util.stream.IntStream;

/**
 * Sums a per-row contribution over large weighted arrays in fixed-size chunks, in parallel when
 * there is more than one chunk. Chunk boundaries and the combining tree depend only on the number
 * of rows, so the result is the same on every run with the same input order.
 */
final class ChunkedSum {
  static final int CHUNK = 1 << 15;

  private ChunkedSum() {}

  /** Adds the contributions of rows {@code [from, to)} into {@code acc}. */
  @FunctionalInterface
  interface Rows {
    void addTo(int from, int to, double[] acc);
  }

  /** The component-wise sum of {@code width} accumulators over rows {@code 0..n-1}. */
  static double[] sum(int n, int width, Rows rows) {
    int chunks = (n + CHUNK - 1) / CHUNK;
    IntStream range = IntStream.range(0, chunks);
    if (chunks > 1) {
      range = range.parallel();
    }
    return range.mapToObj(c -> {
      double[] acc = new double[width];
      rows.addTo(c * CHUNK, Math.min(n, (c + 1) * CHUNK), acc);
      return acc;
    }).reduce(new double[width], (p, q) -> {
      double[] s = new double[width];
      for (int i = 0; i < width; i++) {
        s[i] = p[i] + q[i];
      }
      return s;
    });
  }
}
