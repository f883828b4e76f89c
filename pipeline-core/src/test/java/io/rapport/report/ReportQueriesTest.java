package io.rapport.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.marts.ChurnMonthly;
import io.rapport.marts.CustomerClv;
import io.rapport.marts.NpsSummary;
import io.rapport.marts.RetentionCohorts;
import io.rapport.testing.SparkTestSupport;
import io.rapport.warehouse.Manifest;
import io.rapport.warehouse.TableIo;
import io.rapport.warehouse.WarehouseLayout;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportQueriesTest extends SparkTestSupport {
  static final LocalDate AS_OF = LocalDate.parse("2025-03-31");

  @TempDir Path work;

  /** Five customers in two tiers and one without a CLV (model not fitted for them). */
  Dataset<Row> fiveCustomersInTwoTiersAndOneUnfitted() {
    return frame(CustomerClv.TABLE.schema(),
        clv("c1", "1.0000", "low"), clv("c2", "2.0000", "low"), clv("c3", "3.0000", "low"),
        clv("c4", "10.0000", "high"), clv("c5", "20.0000", "high"), clv("c6", null, null));
  }

  @Test
  void clvByTierSummarisesEachTierAndLeavesOutCustomersWithoutClv() {
    List<Row> rows = ReportQueries.clvByTier(fiveCustomersInTwoTiersAndOneUnfitted()).collectAsList();

    assertEquals(List.of(ReportQueries.TIER, ReportQueries.CUSTOMERS, ReportQueries.CLV_MIN, ReportQueries.CLV_P10,
        ReportQueries.CLV_P25, ReportQueries.CLV_MEDIAN, ReportQueries.CLV_P75, ReportQueries.CLV_P90,
        ReportQueries.CLV_MAX, ReportQueries.CLV_MEAN, ReportQueries.CLV_TOTAL),
        List.of(ReportQueries.clvByTier(fiveCustomersInTwoTiersAndOneUnfitted()).columns()));
    assertEquals(2, rows.size());
    // Ordered by median: low (2) before high (10; the approximate median of {10, 20} is a member, 10).
    Row low = rows.get(0);
    assertEquals("low", low.getString(0));
    assertEquals(3L, low.getLong(1));
    assertEquals(1.0, low.getDouble(2));
    assertEquals(2.0, low.getDouble(5));
    assertEquals(3.0, low.getDouble(8));
    assertEquals(2.0, low.getDouble(9), 1e-12);
    assertEquals(6.0, low.getDouble(10), 1e-12);
    Row high = rows.get(1);
    assertEquals("high", high.getString(0));
    assertEquals(2L, high.getLong(1));
    assertEquals(10.0, high.getDouble(5));
    assertEquals(15.0, high.getDouble(9), 1e-12);
  }

  @Test
  void clvByTierOfAnUnfittedModelIsEmpty() {
    Dataset<Row> unfitted = frame(CustomerClv.TABLE.schema(), clv("c1", null, null), clv("c2", null, null));

    assertEquals(0, ReportQueries.clvByTier(unfitted).count());
  }

  @Test
  void overallMonthsKeepsTheMonthlyRowsOfDimensionOverallOnly() {
    Dataset<Row> nps = frame(NpsSummary.TABLE.schema(),
        nps("month", "2025-02-01", "overall", null), nps("month", "2025-01-01", "overall", null),
        nps("quarter", "2025-01-01", "overall", null), nps("month", "2025-01-01", "channel", "web"));

    List<Row> rows = ReportQueries.overallMonths(nps).collectAsList();

    assertEquals(2, rows.size());
    assertEquals(Date.valueOf("2025-01-01"), rows.get(0).getDate(1));
    assertEquals(Date.valueOf("2025-02-01"), rows.get(1).getDate(1));
  }

  @Test
  void collectReadsOnePublishedDateAndAMissingTableCostsOnlyItsChart() throws Exception {
    WarehouseLayout layout = new WarehouseLayout(work.resolve("warehouse").toString());
    TableIo.write(frame(ChurnMonthly.TABLE.schema(),
        RowFactory.create(Date.valueOf("2025-02-01"), 2L, 4L, 1L, 0L, 5L, 0.5, 0.5),
        RowFactory.create(Date.valueOf("2025-01-01"), 0L, 2L, 0L, 0L, 2L, null, null)),
        layout.tablePartition(ChurnMonthly.TABLE.name(), AS_OF));
    TableIo.write(fiveCustomersInTwoTiersAndOneUnfitted(), layout.tablePartition(CustomerClv.TABLE.name(), AS_OF));

    ReportData data = ReportQueries.collect(spark, layout, AS_OF);

    assertEquals(List.of(LocalDate.parse("2025-01-01"), LocalDate.parse("2025-02-01")),
        data.churn().stream().map(ReportData.ChurnMonth::month).toList());
    assertNull(data.churn().get(0).churnRate());
    assertEquals(List.of("low", "high"), data.clvTiers().stream().map(ReportData.ClvTier::tier).toList());
    assertTrue(data.cohorts().isEmpty());
    assertTrue(data.problems().get(RetentionCohorts.TABLE.name()).startsWith("could not read retention_cohorts"),
        data.problems().toString());
    // customer_clv is present: its CLV total is 1 + 2 + 3 + 10 + 20 = 36 (c6 has none).
    assertEquals(36.0, data.clvTotal(), 1e-9);
    assertEquals(List.of("csat_summary", "customer_lifecycle_monthly", "kpi_monthly", "nps_summary", "retention_cohorts",
        "revenue_bridge_monthly", "review_summary"), data.problems().keySet().stream().sorted().toList(),
        "retention, lifecycle, bridge, kpis, nps, csat and reviews are missing");

    // The whole report is written beside the (absent) manifest and draws the two tables present.
    Manifest manifest = new Manifest(AS_OF.toString(), "test", 1, 1, "c.yaml", "d", "s", "p",
        Map.of(), Map.of(), List.of(), List.of(), List.of());
    RunReport.write(spark, layout, AS_OF, manifest);
    String html = Files.readString(work.resolve("warehouse/_runs/as_of_date=2025-03-31/report.html"));
    assertTrue(html.contains("<svg data-chart=\"churn-flows\""));
    assertTrue(html.contains("<svg data-chart=\"clv-by-tier\""));
    assertTrue(html.contains("data-chart-empty=\"retention-heatmap\">No data: could not read retention_cohorts"));
  }

  @Test
  void writeQuietlyLogsAndReturnsNullWhenTheReportCannotBeWritten() throws Exception {
    // The warehouse root is a file: nothing can be written under it.
    Path file = Files.writeString(work.resolve("not-a-folder"), "x");
    Manifest manifest = new Manifest(AS_OF.toString(), "test", 1, 1, "c.yaml", "d", "s", "p",
        Map.of(), Map.of(), List.of(), List.of(), List.of());

    assertNull(RunReport.writeQuietly(spark, new WarehouseLayout(file.toString()), AS_OF, manifest));
  }

  @Test
  void aReportThatCannotBeDrawnIsReplacedByAPageSayingWhy() {
    String page = RunReport.fallbackPage(AS_OF, new IllegalStateException("table <kpi_monthly> unreadable\nsecond line"));
    assertTrue(page.contains("data-report-unavailable"));
    assertTrue(page.contains("table &lt;kpi_monthly&gt; unreadable"), page);
    assertTrue(!page.contains("second line") && page.contains("rapport status --as-of 2025-03-31"), page);
  }

  private Dataset<Row> frame(StructType schema, Row... rows) {
    return spark.createDataFrame(new ArrayList<>(List.of(rows)), schema);
  }

  private static Row clv(String customer, String clv, String tier) {
    BigDecimal value = clv == null ? null : new BigDecimal(clv);
    return RowFactory.create(customer, 1L, 1.0, 2.0, null, clv == null ? null : 0.9, null, null, value, BigDecimal.ONE, tier);
  }

  private static Row nps(String periodType, String periodStart, String dimension, String value) {
    return RowFactory.create(periodType, Date.valueOf(periodStart), dimension, value, 10L, 5L, 3L, 2L, 30.0, 15.3,
        false, null, null, null, null);
  }
}
