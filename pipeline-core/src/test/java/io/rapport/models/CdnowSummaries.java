package io.rapport.models;

import io.rapport.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** Reads the published CDNOW calibration summaries (../shared/data/cdnow) into columns. */
final class CdnowSummaries {
  final double[] id;
  final double[] x;
  final double[] tx;
  final double[] t;
  final double[] zbar;

  private CdnowSummaries(List<String> lines, boolean withZbar) {
    int n = lines.size() - 1;
    id = new double[n];
    x = new double[n];
    tx = new double[n];
    t = new double[n];
    zbar = new double[n];
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i + 1).trim().split(",");
      id[i] = Double.parseDouble(f[0]);
      x[i] = Double.parseDouble(f[1]);
      tx[i] = Double.parseDouble(f[2]);
      t[i] = Double.parseDouble(f[3]);
      zbar[i] = withZbar ? Double.parseDouble(f[4]) : Double.NaN;
    }
  }

  /** cdnow_customers_summary.csv: ID, frequency, recency, T. */
  static CdnowSummaries summary() {
    return read("cdnow/cdnow_customers_summary.csv", false);
  }

  /** cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T, zbar. */
  static CdnowSummaries withTransactions() {
    return read("cdnow/cdnow_customers_summary_with_transactions.csv", true);
  }

  private static CdnowSummaries read(String file, boolean withZbar) {
    try {
      return new CdnowSummaries(Files.readAllLines(SharedData.require(file)), withZbar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double[] ones(int n) {
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1.0);
    return w;
  }
}
