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
 * Benchmark, not a test: times BG/NBD, Pareto/NBD, MBG/NBD and Gamma-Gamma fits on 1,000,000
 * synthetic customers simulated from the CDNOW estimates, observed on whole days over up to three
 * years, and the per-customer prediction path at an interior and at a boundary BG/NBD fit. Run with
 * {@code ./mvnw -o -pl pipeline-core test -Dtest=ClvFitBenchmark -Drapport.bench=true}, or its
 * main method. Prints timings; asserts nothing about time.
 */
class ClvFitBenchmark {

  @Test
  @EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
  void fitOneMillionCustomers() {
    // -Drapport.bench.customers=1200000 gives about 465,000 distinct triples, the pipeline bench's 1M size.
    main(new String[] {System.getProperty("rapport.bench.customers", "1000000")});
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
    printPredictionCost("12-month expectation path", params, x, tx, t);
    // The same at a boundary fit (a, b -> infinity, a/(a+b) = 0.1065: the bundled samples' fit),
    // with the closed-form limit, and as it was before (quadrature over the drop-out probability).
    BgNbdParameters boundary = new BgNbdParameters(0.7384, 3.217, 1.266e6, 1.062e7);
    printPredictionCost("12-month expectation path, boundary fit (closed-form limit)", boundary, x, tx, t);
    int quadratureCustomers = 10_000;
    double worst = 0;
    long qStart = System.nanoTime();
    for (int i = 0; i < quadratureCustomers; i++) {
      for (int m = 1; m <= 12; m++) {
        double byQuadrature = boundary.conditionalExpectedPurchasesByQuadrature(m * 365.25 / 12 / 7, x[i], tx[i], t[i]);
        double byLimit = boundary.conditionalExpectedPurchases(m * 365.25 / 12 / 7, x[i], tx[i], t[i]);
        worst = Math.max(worst, Math.abs(byLimit / byQuadrature - 1));
      }
    }
    System.out.printf(Locale.ROOT, "12-month expectation path, boundary fit by quadrature (before; includes the limit for comparison):"
        + " %.1f us per customer; largest relative difference to the limit %.2e over %d customers%n",
        (System.nanoTime() - qStart) / 1e3 / quadratureCustomers, worst, quadratureCustomers);

    // The two other purchase-count models on the same triples, each the first fit of its kind in
    // this JVM (cold: its code is not yet compiled).
    long pnStart = System.nanoTime();
    ParetoNbdLikelihood paretoLikelihood = new ParetoNbdLikelihood(ax, atx, at, aw);
    ModelFit pareto = ParetoNbd.fit(paretoLikelihood, 20);
    long pnDone = System.nanoTime();
    System.out.printf(Locale.ROOT, "Pareto/NBD fit (cold, likelihood build included): %.2f s, %d iterations, %d distinct (x, y) tail pairs,"
        + " converged=%s, params=%s, LL=%.1f, warning=%s%n",
        (pnDone - pnStart) / 1e9, pareto.iterations(), paretoLikelihood.tailPairs(), pareto.converged(), pareto.parameters(),
        pareto.logLikelihood(), pareto.warning());
    long mbStart = System.nanoTime();
    ModelFit mbg = MbgNbd.fit(ax, atx, at, aw, 20);
    long mbDone = System.nanoTime();
    System.out.printf(Locale.ROOT, "MBG/NBD fit (cold, likelihood build included): %.2f s, %d iterations, converged=%s, params=%s, LL=%.1f, warning=%s%n",
        (mbDone - mbStart) / 1e9, mbg.iterations(), mbg.converged(), mbg.parameters(), mbg.logLikelihood(), mbg.warning());
    ParetoNbdParameters.from(pareto).ifPresent(pp -> {
      long start2 = System.nanoTime();
      double s2 = 0;
      for (int i = 0; i < 100_000; i++) {
        double alive = pp.probabilityAlive(x[i], tx[i], t[i]);
        for (int m = 1; m <= 12; m++) {
          s2 += alive * pp.expectedPurchasesIfAlive(m * 365.25 / 12 / 7, x[i], t[i]);
        }
      }
      System.out.printf(Locale.ROOT, "Pareto/NBD P(alive) once + 12-month expectation path: %.1f us per customer (checksum %.3f)%n",
          (System.nanoTime() - start2) / 1e3 / 100_000, s2);
    });
    lowDropOutParetoNbd(customers);
  }

  /**
   * Pareto/NBD where few customers drop out (beta / s = 800 weeks mean lifetime against at most 156
   * weeks observed): the optimum has beta far above alpha + T, so most tail pairs sit near z = 1
   * and take the quadrature part of {@link ParetoNbdIntegral}. Same observation pattern as above.
   */
  private static void lowDropOutParetoNbd(int customers) {
    RandomGenerator rng = new Well19937c(7);
    GammaDistribution rates = new GammaDistribution(rng, 0.55, 1 / 10.6);
    GammaDistribution deaths = new GammaDistribution(rng, 0.6, 1 / 480.0);
    Map<String, double[]> triples = new HashMap<>();
    for (int i = 0; i < customers; i++) {
      int ageDays = rng.nextInt(3 * 365);
      double lambda = rates.sample() / 7.0;
      double lifetime = -Math.log(1 - rng.nextDouble()) / (deaths.sample() / 7.0);
      double end = Math.min(ageDays, lifetime);
      double time = 0;
      int purchases = 0;
      int lastDay = 0;
      while (true) {
        time += -Math.log(1 - rng.nextDouble()) / lambda;
        if (time > end) {
          break;
        }
        int day = (int) time;
        if (day > lastDay) {
          purchases++;
          lastDay = day;
        }
      }
      triples.computeIfAbsent(purchases + "|" + lastDay / 7.0 + "|" + ageDays / 7.0, k -> new double[1])[0]++;
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
    long start = System.nanoTime();
    ParetoNbdLikelihood likelihood = new ParetoNbdLikelihood(ax, atx, at, aw);
    ModelFit fit = ParetoNbd.fit(likelihood, 20);
    long done = System.nanoTime();
    ParetoNbdIntegral integral = new ParetoNbdIntegral(fit.parameter("r"), fit.parameter("alpha"), fit.parameter("s"), fit.parameter("beta"));
    int nearOne = 0;
    for (int i = 0; i < n; i++) {
      nearOne += integral.needsQuadrature(at[i]) ? 1 : 0;
    }
    System.out.printf(Locale.ROOT, "Pareto/NBD fit, low drop-out population (simulated s=0.6, beta=480): %.2f s, %d iterations, %d distinct triples,"
        + " %d with T in the quadrature region at the optimum, converged=%s, params=%s, warning=%s%n",
        (done - start) / 1e9, fit.iterations(), n, nearOne, fit.converged(), fit.parameters(), fit.warning());
  }

  private static void printPredictionCost(String label, BgNbdParameters params, double[] x, double[] tx, double[] t) {
    long pStart = System.nanoTime();
    double sink = 0;
    for (int i = 0; i < 100_000; i++) {
      for (int m = 1; m <= 12; m++) {
        sink += params.conditionalExpectedPurchases(m * 365.25 / 12 / 7, x[i], tx[i], t[i]);
      }
    }
    System.out.printf(Locale.ROOT, "%s: %.1f us per customer (checksum %.3f)%n", label,
        (System.nanoTime() - pStart) / 1e3 / 100_000, sink);
  }
}
