package io.rapport.models;

import java.util.Arrays;

/**
 * The distinct values of one data column and, for every row, the index of its value. Likelihood
 * terms that depend on one column only (log-gamma of r + x, log of alpha + T) are then computed
 * once per distinct value instead of once per row: purchase counts and day-based times take few
 * distinct values even for millions of customers.
 */
final class DistinctValues {
  final double[] values;
  final int[] index;

  DistinctValues(double[] column) {
    double[] sorted = column.clone();
    Arrays.sort(sorted);
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || Double.compare(sorted[i], sorted[n - 1]) != 0) {
        sorted[n++] = sorted[i];
      }
    }
    values = Arrays.copyOf(sorted, n);
    index = new int[column.length];
    for (int i = 0; i < column.length; i++) {
      index[i] = Arrays.binarySearch(values, column[i]);
    }
  }

  int size() {
    return values.length;
  }
}
