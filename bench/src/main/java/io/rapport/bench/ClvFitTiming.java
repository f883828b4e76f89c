package io.rapport.bench;

import static org.apache.spark.sql.functions.col;

import io.rapport.clv.ClvFitting;
import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.jobs.SparkSessions;
import io.rapport.pipeline.PublishedInputs;
import io.rapport.models.ClvFits;
import io.rapport.models.ModelFit;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Times {@link ClvFitting#fit} (the run's fit for the configured {@code clv.model}, backtest
 * included) alone on the customer summaries of a published run (which carry the backtest's
 * calibration columns, counted in the same pass as the rest of the summary). The summaries
 * are intermediate (never published), so they are rebuilt from the published tables of the date
 * by the run's own catalog entries ({@link PublishedInputs}), cached and counted first; only the
 * fit is timed. The fit is timed twice (cold JVM, then
 * warm) and, separately, the two Spark aggregations the fit collects, so that the optimiser's
 * share is the difference.
 *
 * <p>Usage: {@code ClvFitTiming <config.yaml> <as-of date>}. Prints {@code key=value} lines.
 */
public final class ClvFitTiming {
  private ClvFitTiming() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: ClvFitTiming <config.yaml> <as-of date>");
      System.exit(2);
    }
    RapportSettings settings = SettingsLoader.load(Path.of(args[0])).settings();
    LocalDate asOf = LocalDate.parse(args[1]);
    SparkSession spark = SparkSessions.create(settings, "rapport-clv-fit-timing");
    // The summaries exactly as the run built them: its catalog entries over the published fact_orders.
    PublishedInputs inputs = PublishedInputs.of(spark, settings, asOf);
    Dataset<Row> summaries = inputs.table(CustomerSummaries.TABLE).persist(StorageLevel.MEMORY_AND_DISK());
    long customers = summaries.count();

    // The run's fit: clv.model of the configuration (auto: three models and their backtest).
    long t0 = System.nanoTime();
    ClvFits fits = ClvFitting.fit(summaries, asOf, settings.clv());
    double cold = (System.nanoTime() - t0) / 1e9;

    // The same two aggregations the fit collects, alone: Spark's share of the fit time.
    t0 = System.nanoTime();
    int triples = summaries.groupBy(col(CustomerSummaries.FREQUENCY), col(CustomerSummaries.RECENCY),
        col(CustomerSummaries.T)).count().collectAsList().size();
    int pairs = summaries
        .filter(col(CustomerSummaries.FREQUENCY).gt(0).and(col(CustomerSummaries.MONETARY_VALUE).gt(0)))
        .groupBy(col(CustomerSummaries.FREQUENCY), col(CustomerSummaries.MONETARY_VALUE))
        .count().collectAsList().size();
    double aggregates = (System.nanoTime() - t0) / 1e9;

    t0 = System.nanoTime();
    ClvFitting.fit(summaries, asOf, settings.clv());
    double warm = (System.nanoTime() - t0) / 1e9;

    // BG/NBD and Gamma-Gamma alone, without backtest (the fit before clv.model existed): the
    // difference to clv_fit_warm_s is what the configured choice adds.
    t0 = System.nanoTime();
    ClvFitting.fit(summaries, settings.clv());
    double bgNbdOnly = (System.nanoTime() - t0) / 1e9;

    System.out.printf(Locale.ROOT, "clv_fit_customers=%d%n", customers);
    System.out.printf(Locale.ROOT, "clv_fit_s=%.3f%n", cold);
    System.out.printf(Locale.ROOT, "clv_fit_warm_s=%.3f%n", warm);
    System.out.printf(Locale.ROOT, "clv_fit_model=%s%n", settings.clv().model().id());
    System.out.printf(Locale.ROOT, "clv_fit_bg_nbd_only_warm_s=%.3f%n", bgNbdOnly);
    System.out.printf(Locale.ROOT, "clv_fit_selected=%s (%s)%n", fits.selectedModel(), fits.selectionReason());
    System.out.printf(Locale.ROOT, "clv_fit_aggregates_s=%.3f%n", aggregates);
    System.out.printf(Locale.ROOT, "clv_fit_distinct_triples=%d%n", triples);
    System.out.printf(Locale.ROOT, "clv_fit_distinct_pairs=%d%n", pairs);
    for (ModelFit f : fits.asList()) {
      System.out.printf(Locale.ROOT, "clv_fit_%s=converged:%s iterations:%d%n", f.model(), f.converged(), f.iterations());
      System.out.printf(Locale.ROOT, "clv_fit_%s_parameters=%s%n", f.model(), f.parameters());
      // A boundary solution (a, b -> infinity, ...) is named in the warning; the bench reports it.
      System.out.printf(Locale.ROOT, "clv_fit_%s_warning=%s%n", f.model(), f.warning() == null ? "" : f.warning());
    }
    summaries.unpersist(false);
    spark.stop();
  }
}
