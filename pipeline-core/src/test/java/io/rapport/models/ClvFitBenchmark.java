package io.rapport.models;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Benchmark, not a test: times BG/NBD and Gamma-Gamma fits on 1,000,000 synthetic customers
 * simulated from the CDNOW estimates, observed on whole days over up to three years. Run with
 * {@code ./mvnw -o -pl pipeline-core test -Dtest=ClvFitBenchmark -Drapport.bench=true}, or its
 * main method. Prints timings; asserts nothing about time.
 */
class ClvFitBenchmark {

  @Test
  @EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
  void fitOneMillionCustomers() {
    main(new String[0]);
  }

  public static void main(String[] args) {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    RandomGenerator rng = new Well19937c(42);
    GammaDistribution rates = new GammaDistribution(rng, 0.243, 1 / 4.414); // shape r, scale 1/alpha (per week)
    BetaDistribution dropout = new BetaDistribution(rng, 0.793, 2.426);
    GammaDistribution nu = new GammaDistribution(rng, 3.74, 1 / 15.44);
    double[] x = new double[customers];
    double[] tx = new double[customers];
    double[] t = new double[customers];
    double[] zbar = new double[customers];
    for (int i = 0; i < customers; i++) {
      int ageDays = rng.nextInt(3 * 365);
      double lambda = rates.sample() / 7.0; // per day
      double p = dropout.sample();
      double scale = 1 / nu.sample();
      double time = 0;
      int purchases = 0;
      int lastDay = 0;
      double spend = 0;
      while (rng.nextDouble() >= p || purchases == 0) {
        // alive after the previous purchase (every customer makes the first one at day 0)
        time += -Math.log(1 - rng.nextDouble()) / lambda;
        if (time > ageDays) {
          break;
        }
        int day = (int) time;
        if (day > lastDay) {
          purchases++;
          lastDay = day;
          spend += new GammaDistribution(rng, 6.25, scale).sample();
        }
      }
      x[i] = purchases;
      tx[i] = lastDay / 7.0;
      t[i] = ageDays / 7.0;
      zbar[i] = purchases > 0 ? spend / purchases : 0;
    }

    long start = System.nanoTime();
    Map<String, double[]> triples = new HashMap<>();
    for (int i = 0; i < customers; i++) {
      triples.computeIfAbsent(x[i] + "|" + tx[i] + "|" + t[i], k -> new double[1])[0]++;
    }
    int n = triples.size();
    double[] ax = new double[n];
    double[] atx = new double[n];
    double[] at = new double[n];
    double[] aw = new double[n];
    int k = 0;
    for (Map.Entry<String, double[]> e : triples.entrySet()) {
      String[] f = e.getKey().split("\\|");
      ax[k] = Double.parseDouble(f[0]);
      atx[k] = Double.parseDouble(f[1]);
      at[k] = Double.parseDouble(f[2]);
      aw[k] = e.getValue()[0];
      k++;
    }
    long aggregated = System.nanoTime();
    ModelFit bg = BgNbd.fit(ax, atx, at, aw, 20);
    long bgDone = System.nanoTime();

    int repeat = 0;
    for (int i = 0; i < customers; i++) {
      repeat += x[i] > 0 ? 1 : 0;
    }
    double[] gx = new double[repeat];
    double[] gz = new double[repeat];
    double[] gw = new double[repeat];
    for (int i = 0, j = 0; i < customers; i++) {
      if (x[i] > 0) {
        gx[j] = x[i];
        gz[j] = zbar[i];
        gw[j++] = 1;
      }
    }
    long ggStart = System.nanoTime();
    ModelFit gg = GammaGamma.fit(gx, gz, gw, 20);
    long ggDone = System.nanoTime();

    System.out.printf(Locale.ROOT, "customers=%d distinct triples=%d cores=%d%n", customers, n, Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "driver-side aggregation (benchmark only; Spark does this in the pipeline): %.2f s%n", (aggregated - start) / 1e9);
    System.out.printf(Locale.ROOT, "BG/NBD fit: %.2f s, %d iterations, converged=%s, params=%s, LL=%.1f, warning=%s%n",
        (bgDone - aggregated) / 1e9, bg.iterations(), bg.converged(), bg.parameters(), bg.logLikelihood(), bg.warning());
    System.out.printf(Locale.ROOT, "Gamma-Gamma fit on %d repeat buyers (one row each, unaggregated): %.2f s, %d iterations, converged=%s, params=%s%n",
        repeat, (ggDone - ggStart) / 1e9, gg.iterations(), gg.converged(), gg.parameters());

    long lStart = System.nanoTime();
    BgNbdLikelihood likelihood = new BgNbdLikelihood(ax, atx, at, aw);
    long lBuilt = System.nanoTime();
    double[] g = new double[4];
    for (int i = 0; i < 20; i++) {
      likelihood.evaluate(0.25, 4.6, 0.79, 2.4, g);
    }
    long lDone = System.nanoTime();
    System.out.printf(Locale.ROOT, "BG/NBD likelihood: build %.0f ms, one evaluation with gradient %.1f ms%n",
        (lBuilt - lStart) / 1e6, (lDone - lBuilt) / 1e6 / 20);

    // Per-customer prediction cost (the customer_clv UDF does 12 of these per customer).
    BgNbdParameters params = BgNbdParameters.from(bg).orElseThrow();
    long pStart = System.nanoTime();
    double sink = 0;
    for (int i = 0; i < 100_000; i++) {
      for (int m = 1; m <= 12; m++) {
        sink += params.conditionalExpectedPurchases(m * 365.25 / 12 / 7, x[i], tx[i], t[i]);
      }
    }
    System.out.printf(Locale.ROOT, "12-month expectation path: %.1f us per customer (checksum %.3f)%n",
        (System.nanoTime() - pStart) / 1e3 / 100_000, sink);
  }
}
