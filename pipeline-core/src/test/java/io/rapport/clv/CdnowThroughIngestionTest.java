package io.rapport.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader;
import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.marts.FactOrders;
import io.rapport.models.BgNbdParameters;
import io.rapport.models.ClvFits;
import io.rapport.models.GammaGammaParameters;
import io.rapport.models.ModelFit;
import io.rapport.staging.SourceCounts;
import io.rapport.staging.SourceName;
import io.rapport.staging.Staging;
import io.rapport.staging.StagingResult;
import io.rapport.testing.SharedData;
import io.rapport.testing.SparkTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDNOW 1/10 sample through the pipeline's own ingestion: CDNOW_sample.txt rewritten as a CSV
 * (text only, no computation), mapped onto the purchases contract by configuration, staged with
 * the as-of cut at the end of the calibration period, then fact_orders -> purchase days ->
 * customer summaries -> both fits. Expected figures are from ../shared/data/cdnow/README.md, which
 * quotes Fader, Hardie &amp; Lee (2005), "Counting Your Customers the Easy Way" (BG/NBD) and
 * Fader, Hardie &amp; Lee (2005), "RFM and CLV" (Gamma-Gamma).
 */
class CdnowThroughIngestionTest extends SparkTestSupport {

  /** End of the 39-week calibration period, inclusive (README, summary step 2). */
  static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);

  /**
   * The CDNOW export mapped by configuration: one purchase row per transaction line, the sample id
   * as customer (zero padding dropped), the date as a local day, the dollar value as the price of
   * one unit; the number of CDs is not a quantity here (the dollar value is the order's total).
   * The order id is made unique per line, so that nothing is a duplicate: two lines of a customer
   * on one day are two orders that make one purchase day.
   */
  static String cdnowConfig(Path csvFolder) {
    return String.join("\n",
        "reporting: {time-zone: UTC, currency: USD}",
        "sources:",
        "  purchases:",
        "    path: " + csvFolder.toAbsolutePath() + "/*.csv",
        "    format: csv",
        "    required: true",
        "    options: {header: \"true\"}",
        "    time-zone: UTC",
        "    timestamp-format: yyyyMMdd",
        "    columns: {order_ts: date, unit_price: dollars}",
        "    expressions:",
        "      customer_id: \"CAST(CAST(sample_id AS INT) AS STRING)\"",
        "      order_id: \"concat_ws('-', sample_id, date, line)\"",
        "    defaults: {quantity: \"1\", currency: USD, status: completed}",
        "clv: {time-unit-days: 7}",
        "");
  }

  /**
   * CDNOW_sample.txt (whitespace separated, leading spaces, CRLF, no header) as a CSV with a
   * header and the 1-based line number: {@code line,master_id,sample_id,date,cds,dollars}.
   */
  static Path cdnowCsv(Path folder) {
    Path source = SharedData.require("cdnow/CDNOW_sample.txt");
    List<String> out = new ArrayList<>();
    out.add("line,master_id,sample_id,date,cds,dollars");
    try {
      int line = 0;
      for (String text : Files.readAllLines(source, StandardCharsets.US_ASCII)) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        line++;
        out.add(line + "," + String.join(",", trimmed.split("\\s+")));
      }
      Files.createDirectories(folder);
      Files.write(folder.resolve("cdnow_sample.csv"), out, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return folder;
  }

  /** Staged purchases of the sample up to {@code asOf}, as the ingest step makes them. */
  static StagingResult stageCdnow(org.apache.spark.sql.SparkSession spark, Path folder, LocalDate asOf) {
    RapportSettings settings = SettingsLoader.parse(cdnowConfig(cdnowCsv(folder)), "cdnow test config");
    SettingsLoader.validate(settings, "cdnow test config");
    return Staging.stage(spark, SourceName.PURCHASES, settings, asOf);
  }

  @TempDir
  static Path temp;

  private Dataset<Row> summaries;
  private SourceCounts counts;

  @BeforeAll
  void ingestAndSummarise() {
    StagingResult staged = stageCdnow(spark, temp.resolve("cdnow"), CALIBRATION_END);
    counts = staged.counts();
    Dataset<Row> factOrders = FactOrders.build(staged.accepted(), ZoneId.of("UTC"));
    Dataset<Row> purchaseDays = CustomerPurchaseDays.build(factOrders);
    summaries = CustomerSummaries.build(purchaseDays, CALIBRATION_END, 7.0).cache();
  }

  @Test
  void ingestionAcceptsEveryCalibrationLineAndCutsTheRest() {
    // README: 6,919 transactions in the sample, none malformed, none duplicated (unique order ids).
    // The calibration lines (through 1997-09-30) are counted from the file in this test, so the
    // split is checked against the text, not against the pipeline itself.
    long calibrationLines = countLinesUpTo(CALIBRATION_END);
    assertEquals(new SourceCounts(6919, calibrationLines, 0, 0, 6919 - calibrationLines, Map.of()), counts);
  }

  @Test
  void summariesMatchThePublishedCounts() {
    // README: 2,357 customers, 946 repeat buyers (1,411 one-time buyers), 2,457 repeat purchases.
    // The 8 zero-dollar rows are free orders and count as purchases (SPEC 3); without them the
    // counts would be lower.
    assertEquals(2357, summaries.count());
    assertEquals(946, summaries.filter(col(CustomerSummaries.FREQUENCY).gt(0)).count());
    assertEquals(2457L, summaries.agg(sum(CustomerSummaries.FREQUENCY)).first().getLong(0));
    // README: customer 1 (sample id 0001) has x=2, t_x=30.43, T=38.86 (weeks, 2 decimals)
    Row one = customer("1");
    assertEquals(2L, one.<Long>getAs(CustomerSummaries.FREQUENCY));
    assertEquals(30.43, one.<Double>getAs(CustomerSummaries.RECENCY), 0.005);
    assertEquals(38.86, one.<Double>getAs(CustomerSummaries.T), 0.005);
  }

  @Test
  void fitsReproduceThePublishedEstimatesAndCustomerOnePredictions() {
    ClvFits fits = ClvFitting.fit(summaries, RapportSettings.Clv.withTimeUnitDays(7.0));

    // BG/NBD paper, section 5 (README): r=0.243, alpha=4.414, a=0.793, b=2.426, LL -9582.4;
    // tolerance half a unit of the last published digit.
    ModelFit bg = fits.bgNbd();
    assertTrue(bg.converged(), () -> String.valueOf(bg.failureReason()));
    assertEquals(0.243, bg.parameter("r"), 0.0005);
    assertEquals(4.414, bg.parameter("alpha"), 0.0005);
    assertEquals(0.793, bg.parameter("a"), 0.0005);
    assertEquals(2.426, bg.parameter("b"), 0.0005);
    assertEquals(-9582.4, bg.logLikelihood(), 0.05);
    assertEquals(2357, bg.customers());

    // BG/NBD paper, section 5 (README): the customer with x=2, t_x=30.43, T=38.86 (sample id 1)
    // expects 1.226 purchases in the next 39 weeks and is alive with probability 0.7266.
    BgNbdParameters p = fits.bgNbdParameters().orElseThrow();
    Row one = customer("1");
    double x = one.<Long>getAs(CustomerSummaries.FREQUENCY);
    double tx = one.getAs(CustomerSummaries.RECENCY);
    double t = one.getAs(CustomerSummaries.T);
    assertEquals(1.226, p.conditionalExpectedPurchases(39, x, tx, t), 0.0005);
    assertEquals(0.7266, p.probabilityAlive(x, tx, t), 0.00005);

    // RFM and CLV paper (README): Gamma-Gamma on the 946 repeat buyers, p=6.25, q=3.74, v=15.44
    // (tolerance 0.01 as in GammaGammaTest: the published digits are partly truncated).
    ModelFit gg = fits.gammaGamma();
    assertTrue(gg.converged(), () -> String.valueOf(gg.failureReason()));
    assertEquals(6.25, gg.parameter("p"), 0.01);
    assertEquals(3.74, gg.parameter("q"), 0.01);
    assertEquals(15.44, gg.parameter("v"), 0.01);
    assertEquals(946, gg.customers());

    // README: conditional expected average spend of sample ids 1..10 (one-time buyers get the
    // population mean 35.17).
    GammaGammaParameters g = fits.gammaGammaParameters().orElseThrow();
    double[] published = {24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17};
    for (int id = 1; id <= 10; id++) {
      Row c = customer(Integer.toString(id));
      long frequency = c.getAs(CustomerSummaries.FREQUENCY);
      double spend = frequency == 0 ? g.populationMeanValue()
          : g.conditionalExpectedValue(frequency, c.<java.math.BigDecimal>getAs(CustomerSummaries.MONETARY_VALUE).doubleValue());
      assertEquals(published[id - 1], spend, 0.005, "expected spend of sample id " + id);
    }
  }

  private Row customer(String id) {
    List<Row> rows = summaries.filter(col(CustomerSummaries.CUSTOMER_ID).equalTo(id)).collectAsList();
    assertEquals(1, rows.size(), "customer " + id);
    return rows.get(0);
  }

  /** Lines of CDNOW_sample.txt dated on or before {@code end}, counted from the text. */
  private static long countLinesUpTo(LocalDate end) {
    String last = end.toString().replace("-", "");
    try {
      return Files.readAllLines(SharedData.require("cdnow/CDNOW_sample.txt"), StandardCharsets.US_ASCII).stream()
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .filter(s -> s.split("\\s+")[2].compareTo(last) <= 0)
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
