package io.rapport.report;

import io.rapport.warehouse.Manifest;
import io.rapport.warehouse.WarehouseLayout;
import java.time.LocalDate;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a {@link ReportSection} may read: the published run's manifest and as-of date, the core
 * aggregates the report collected once ({@link ReportData}), the reporting currency and CLV
 * horizon (for axis and column labels: "CLV, USD, 12 months"), and the date's published tables.
 *
 * @param tables the date's published tables by name; null when the report is rendered from
 *     collected data only (tests), in which case {@link #table} throws and the section shows
 *     "not available"
 * @param layout the warehouse layout (other dates' runs, e.g. an anomaly history); null in tests
 */
public record ReportContext(
    Manifest manifest, ReportData data, String currency, int clvHorizonMonths,
    Function<String, Dataset<Row>> tables, WarehouseLayout layout) {

  /** A context for rendering collected data without Spark. */
  public static ReportContext of(Manifest manifest, ReportData data, String currency, int clvHorizonMonths) {
    return new ReportContext(manifest, data, currency, clvHorizonMonths, null, null);
  }

  public LocalDate asOf() {
    return LocalDate.parse(manifest.asOfDate());
  }

  /** A published table of the as-of date. */
  public Dataset<Row> table(String name) {
    if (tables == null) {
      throw new IllegalStateException("the published tables are not available to this report");
    }
    return tables.apply(name);
  }

  /** A money label with the reporting currency, e.g. "net revenue, USD". */
  public String money(String what) {
    return what + ", " + currency;
  }

  /** The CLV label with currency and horizon, e.g. "CLV, USD, 12 months". */
  public String clvLabel() {
    return "CLV, " + currency + ", " + clvHorizonMonths + " months";
  }
}
