package io.rapport.catalog;

import io.rapport.schema.Check;
import io.rapport.schema.ColumnSpec;
import io.rapport.schema.TableSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataType;

/**
 * The data dictionary under docs/tables/, generated from the {@link Catalog}: one Markdown file
 * per group of tables and an index. Nothing in those files is written by hand; change a table's
 * declaration and regenerate (see docs/architecture.md). A test fails when the committed files
 * differ from what this class generates.
 */
public final class DataDictionary {
  private DataDictionary() {}

  /** One file of the dictionary: its title and the paragraph that opens it. */
  public record Page(String file, String title, String intro) {}

  /** The pages, in index order; every table's {@link TableSpec#dictionary()} names one of them. */
  public static final List<Page> PAGES = List.of(
      new Page("customer-tables.md", "customer tables",
          """
          Definitions follow SPEC sections 3-5; the numbered choices (CM-xx) are in
          [`docs/decisions/customer-metrics.md`](../decisions/customer-metrics.md)."""),
      new Page("voice-tables.md", "voice tables (surveys and reviews)",
          """
          Summary tables hold one row per period that has data. `period_type` is `month` or `quarter`;
          `period_start` is the first day of the calendar month or quarter. Design choices are numbered
          V1..V15 in [`docs/decisions/voice-metrics.md`](../decisions/voice-metrics.md)."""),
      new Page("clv-tables.md", "CLV tables (customer lifetime value)",
          """
          The purchase models (BG/NBD by default) and Gamma-Gamma for spend are fitted by maximum
          likelihood in every run on purchase days up to the as-of date. Times are in the model time
          unit, `clv.time-unit-days` (default 7: weeks, fractional). Design choices are numbered
          CLV-01.. in [`docs/decisions/clv-metrics.md`](../decisions/clv-metrics.md)."""),
      new Page("growth-tables.md", "growth tables (lifecycle, revenue bridge, customer x month)",
          """
          Growth accounting per reporting-zone calendar month, from the first purchase month to the
          as-of month: lifecycle statuses new, returning, resurrected and dormant (dormant is not churn:
          churn has its own threshold-day definition in churn_monthly), the revenue bridge that explains
          each month's net revenue from the month before, and the customer x month grid. The quality gate
          reconciles them with kpi_monthly, churn_monthly and customer_facts. Design choices are numbered
          G1.. in [`docs/decisions/growth-metrics.md`](../decisions/growth-metrics.md)."""),
      new Page("run-metrics.md", "run metrics and anomalies",
          """
          Written by the quality-gate step of every run. How an on-call engineer reads and overrides an
          anomaly: [`docs/operations.md`](../operations.md); design choices Q1.. in
          [`docs/decisions/anomalies.md`](../decisions/anomalies.md)."""),
      new Page("rejects.md", "rejects",
          """
          Reason codes and the rule behind each are listed in [reject-reasons.md](reject-reasons.md)."""));

  static final String CONVENTIONS = """
      Every published table is a Parquet folder `<warehouse>/<table>/` partitioned by `as_of_date`
      (date; the folder `as_of_date=<date>`, not repeated in the column lists): one complete snapshot
      per as-of date, and a date is complete once `<warehouse>/_runs/as_of_date=<date>/manifest.json`
      exists. Conventions: money is decimal(18,4) in the reporting currency; `_ts` and `_at` columns
      are UTC instants; `_date`, `_month` and `period_start` columns are reporting-zone calendar dates
      (a month is its first day); rates and shares are doubles in 0..1 except the `*_pct`, `nps` and
      `csat` columns (0..100); counts are longs.""";

  /** File name -> content of every generated file under docs/tables/. */
  public static Map<String, String> render() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("README.md", index());
    for (Page page : PAGES) {
      files.put(page.file(), page(page));
    }
    for (TableSpec t : Catalog.all()) {
      if (PAGES.stream().noneMatch(p -> p.file().equals(t.dictionary()))) {
        throw new IllegalStateException("Table " + t.name() + " is documented in " + t.dictionary()
            + ", which is not a page of the data dictionary");
      }
    }
    return files;
  }

  private static String index() {
    StringBuilder md = new StringBuilder("# Data dictionary\n\n")
        .append(GENERATED).append("\n\n").append(CONVENTIONS.strip()).append("\n\n")
        .append("| table | grain | documented in |\n|---|---|---|\n");
    for (TableSpec t : Catalog.PUBLISHED) {
      md.append("| ").append(t.name()).append(" | ").append(cell(t.grain())).append(" | [")
          .append(t.dictionary()).append("](").append(t.dictionary()).append(") |\n");
    }
    md.append("\n");
    if (!Catalog.BY_COMMANDS.isEmpty()) {
      md.append("Written by other commands: ");
      md.append(Catalog.BY_COMMANDS.stream().map(t -> "`" + t.name() + "` ([" + t.dictionary() + "](" + t.dictionary() + "))")
          .collect(Collectors.joining(", ")));
      md.append(". ");
    }
    md.append("Intermediate tables (kept between the steps of one run, never published): ");
    md.append(Catalog.intermediate().stream().map(t -> "`" + t.name() + "`").collect(Collectors.joining(", ")));
    md.append(".\n\nThe run manifest (`_runs/as_of_date=<date>/manifest.json`) holds the inputs read, the row\n"
        + "accounting per source, the rows of every table, each step's status and time, the quality\n"
        + "checks with their outcome, warnings, the Rapport version and the configuration's SHA-256.\n");
    return md.toString();
  }

  private static String page(Page page) {
    StringBuilder md = new StringBuilder("# Data dictionary: ").append(page.title()).append("\n\n")
        .append(GENERATED).append("\n\n").append(page.intro().strip()).append("\n");
    for (TableSpec t : Catalog.all()) {
      if (t.dictionary().equals(page.file())) {
        table(md, t);
      }
    }
    return md.toString();
  }

  private static void table(StringBuilder md, TableSpec t) {
    md.append("\n## ").append(t.name()).append("\n");
    if (!t.published()) {
      md.append("*Intermediate: kept between the steps of one run, never published.*\n");
    } else if (Catalog.BY_COMMANDS.contains(t)) {
      md.append("*Written by a command, not by `rapport run`.*\n");
    }
    md.append("**Grain:** ").append(t.grain()).append(" ");
    if (!t.keys().isEmpty()) {
      md.append("**Key:** ").append(t.keys().stream().map(k -> "`" + k + "`").collect(Collectors.joining(", ")))
          .append(". ");
    }
    md.append("**Built by:** `").append(t.builtBy().getName()).append("`.\n");
    if (!t.notes().isBlank()) {
      md.append("\n").append(t.notes().strip()).append("\n");
    }
    md.append("\n| column | type | nulls | unit | definition |\n|---|---|---|---|---|\n");
    for (ColumnSpec c : t.columns()) {
      md.append("| ").append(c.name()).append(" | ").append(typeName(c.type())).append(" | ")
          .append(c.nullable() ? "yes" : "no").append(" | ").append(cell(c.unit())).append(" | ")
          .append(cell(c.definition())).append(" |\n");
    }
    if (t.published()) {
      md.append("\nChecks before publish (an `error` stops the run, a `warning` is reported):\n");
      for (Check check : t.checks()) {
        md.append("- `").append(check.name()).append("` (").append(check.severity().id()).append("): ")
            .append(check.rule()).append("\n");
      }
      md.append("- `required_columns_present` (error): no null in a column whose nulls are `no`\n");
    }
  }

  /** Spark's SQL type names, with {@code long} for bigint as analysts read it in most tools. */
  static String typeName(DataType type) {
    return type.simpleString().replace("bigint", "long").replace("map<string,double>", "map<string, double>");
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  static final String GENERATED = "<!-- Generated from the table catalog (io.rapport.catalog.Catalog); do not edit by hand."
      + " Regenerate: see docs/architecture.md. -->";
}
