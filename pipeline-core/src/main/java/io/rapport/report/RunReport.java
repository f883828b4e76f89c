package io.rapport.report;

import io.rapport.config.RapportSettings;
import io.rapport.warehouse.Manifest;
import io.rapport.warehouse.TableIo;
import io.rapport.warehouse.WarehouseLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the static HTML report of a published run as
 * {@code _runs/as_of_date=<date>/report.html}, beside the manifest. It reads the date's published
 * tables, aggregates them in Spark and draws the small results; the report is an extra for
 * people, so a failure to write it never fails the run.
 */
public final class RunReport {
  public static final String FILE_NAME = "report.html";
  private static final Logger LOG = LoggerFactory.getLogger(RunReport.class);

  /** Settings with every default (currency USD, CLV horizon 12 months), for callers without a configuration. */
  private static final RapportSettings DEFAULTS =
      new RapportSettings(null, null, null, null, null, null, null, null, null, null, null);

  private RunReport() {}

  public static Path path(WarehouseLayout layout, LocalDate asOf) {
    return new Path(layout.runFolder(asOf), FILE_NAME);
  }

  /** Builds and writes the report of a published date with the default settings; returns where it was written. */
  public static Path write(SparkSession spark, WarehouseLayout layout, LocalDate asOf, Manifest manifest) {
    return write(spark, layout, asOf, manifest, DEFAULTS);
  }

  /** Builds and writes the report of a published date (currency and CLV horizon from settings). */
  public static Path write(SparkSession spark, WarehouseLayout layout, LocalDate asOf, Manifest manifest,
      RapportSettings settings) {
    spark.sparkContext().setJobGroup("rapport-report", "Rapport " + asOf + ": run report", false);
    ReportData data = ReportQueries.collect(spark, layout, asOf);
    ReportContext context = new ReportContext(manifest, data, settings.reporting().currency(),
        settings.clv().horizonMonths(), name -> TableIo.read(spark, layout.tablePartition(name, asOf)), layout);
    String html = HtmlReport.render(context, ReportSections.ALL);
    Path target = path(layout, asOf);
    writeText(spark.sparkContext().hadoopConfiguration(), target, html);
    return target;
  }

  /** As {@link #write}, but a failure is logged as a warning and returns null: the run stays published. */
  public static Path writeQuietly(SparkSession spark, WarehouseLayout layout, LocalDate asOf, Manifest manifest) {
    return writeQuietly(spark, layout, asOf, manifest, DEFAULTS);
  }

  /**
   * As {@link #write}, but never fails: a report that cannot be drawn is replaced by a short page
   * saying why (so a complete date always has a report.html), and when even that cannot be
   * written the failure is logged as a warning and null returned. The run stays published.
   */
  public static Path writeQuietly(SparkSession spark, WarehouseLayout layout, LocalDate asOf, Manifest manifest,
      RapportSettings settings) {
    try {
      Path written = write(spark, layout, asOf, manifest, settings);
      LOG.info("run report written to {}", written);
      return written;
    } catch (Exception | LinkageError e) { // Spark throws checked exceptions without declaring them
      LOG.warn("Cannot draw the run report for {} (the run is published): {}", asOf, e.toString(), e);
      try {
        Path target = path(layout, asOf);
        writeText(spark.sparkContext().hadoopConfiguration(), target, fallbackPage(asOf, e));
        return target;
      } catch (RuntimeException again) {
        LOG.warn("Cannot write the run report for {} (the run is published): {}", asOf, again.getMessage());
        return null;
      }
    }
  }

  /** The page written in place of a report that could not be drawn. */
  static String fallbackPage(LocalDate asOf, Throwable failure) {
    String reason = failure.getMessage() == null ? failure.getClass().getSimpleName()
        : failure.getMessage().lines().findFirst().orElse("");
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Rapport " + asOf
        + " (report unavailable)</title></head>\n<body><h1>Rapport run report, as of " + asOf + "</h1>\n"
        + "<p data-report-unavailable>The tables of this date are published, but the report could not be drawn: "
        + Svg.escape(reason) + "</p>\n<p>The run's figures are in manifest.json beside this page; "
        + "<code>rapport status --as-of " + asOf + "</code> prints them.</p>\n</body></html>\n";
  }

  /** Temporary sibling then rename, so a reader never opens half a page. */
  static void writeText(Configuration conf, Path file, String text) {
    try {
      FileSystem fs = file.getFileSystem(conf);
      Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
      if (fs.exists(file)) {
        fs.delete(file, false);
      }
      if (!fs.rename(tmp, file)) {
        throw new IOException("rename " + tmp + " -> " + file + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
