package io.rapport.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares the DuckDB reference tables with Rapport's published tables of the same date, row by
 * row on each table's key: which rows are on one side only, and per column how many matched rows
 * differ (doubles within 1e-9 relative, everything else exactly). The summaries are compared
 * without Rapport's {@code clv_tier} dimension, which the reference does not compute.
 *
 * <p>Usage: {@code ReferenceComparison <warehouse> <as-of> <reference-out>}; prints one line per
 * table and exits 1 when any table differs.
 */
public final class ReferenceComparison {
  private ReferenceComparison() {}

  /** Each reference table's key columns. */
  public static final Map<String, List<String>> KEYS = keys();

  private static Map<String, List<String>> keys() {
    Map<String, List<String>> k = new LinkedHashMap<>();
    k.put("fact_orders", List.of("order_id"));
    k.put("fact_survey_responses", List.of("response_id"));
    k.put("fact_reviews", List.of("review_id"));
    k.put("customer_facts", List.of("customer_id"));
    k.put("retention_cohorts", List.of("cohort_month", "period_number"));
    k.put("churn_monthly", List.of("month"));
    k.put("kpi_monthly", List.of("month"));
    List<String> summary = List.of("period_type", "period_start", "dimension", "dimension_value");
    k.put("nps_summary", summary);
    k.put("csat_summary", summary);
    k.put("review_summary", summary);
    return java.util.Collections.unmodifiableMap(k);
  }

  /** How one table compares: rows on each side, rows on one side only, differing values per column. */
  public record TableDiff(String table, long rapportRows, long referenceRows, long onlyRapport, long onlyReference,
      Map<String, Long> differingValues) {
    public boolean equal() {
      return rapportRows == referenceRows && onlyRapport == 0 && onlyReference == 0
          && differingValues.values().stream().allMatch(v -> v == 0);
    }

    @Override
    public String toString() {
      Map<String, Long> bad = new LinkedHashMap<>();
      differingValues.forEach((c, v) -> {
        if (v > 0) {
          bad.put(c, v);
        }
      });
      return String.format(Locale.ROOT, "%-22s rapport %8d  reference %8d  only-rapport %d  only-reference %d  %s",
          table, rapportRows, referenceRows, onlyRapport, onlyReference, equal() ? "equal" : "differing " + bad);
    }
  }

  public static void main(String[] args) throws SQLException {
    if (args.length != 3) {
      System.err.println("usage: ReferenceComparison <warehouse> <as-of> <reference-out>");
      System.exit(2);
    }
    List<TableDiff> diffs = compare(Path.of(args[0]), LocalDate.parse(args[1]), Path.of(args[2]));
    diffs.forEach(System.out::println);
    System.exit(diffs.stream().allMatch(TableDiff::equal) ? 0 : 1);
  }

  public static List<TableDiff> compare(Path warehouse, LocalDate asOf, Path reference) throws SQLException {
    List<TableDiff> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      for (Map.Entry<String, List<String>> e : KEYS.entrySet()) {
        String table = e.getKey();
        String rapport = "read_parquet('" + sql(warehouse.resolve(table).resolve("as_of_date=" + asOf)) + "/*.parquet', "
            + "hive_partitioning = false)";
        String filter = table.equals("nps_summary") || table.equals("csat_summary") ? " WHERE dimension <> 'clv_tier'" : "";
        st.execute("CREATE OR REPLACE TEMP TABLE r AS SELECT * FROM " + rapport + filter);
        st.execute("CREATE OR REPLACE TEMP TABLE d AS SELECT * FROM read_parquet('"
            + sql(reference.resolve(table + ".parquet")) + "')");
        out.add(diff(st, table, e.getValue()));
      }
    }
    return out;
  }

  private static TableDiff diff(Statement st, String table, List<String> keys) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (ResultSet rs = st.executeQuery("SELECT column_name, column_type FROM (DESCRIBE d)")) {
      while (rs.next()) {
        types.put(rs.getString(1), rs.getString(2));
      }
    }
    StringBuilder join = new StringBuilder();
    for (String k : keys) {
      join.append(join.length() == 0 ? "" : " AND ").append("r.").append(k).append(" IS NOT DISTINCT FROM d.").append(k);
    }
    List<String> columns = new ArrayList<>();
    StringBuilder select = new StringBuilder("SELECT count(*) FILTER (WHERE r_present AND NOT d_present), "
        + "count(*) FILTER (WHERE d_present AND NOT r_present)");
    for (Map.Entry<String, String> col : types.entrySet()) {
      String name = col.getKey();
      if (keys.contains(name)) {
        continue;
      }
      columns.add(name);
      String a = "r_" + name;
      String b = "d_" + name;
      String differs = col.getValue().equals("DOUBLE") || col.getValue().equals("FLOAT")
          ? "(" + a + " IS NULL) <> (" + b + " IS NULL) OR abs(" + a + " - " + b + ") > 1e-9 * greatest(1.0, abs(" + b + "))"
          : a + " IS DISTINCT FROM " + b;
      select.append(", count(*) FILTER (WHERE r_present AND d_present AND (").append(differs).append("))");
    }
    StringBuilder pairs = new StringBuilder("r.rowid IS NOT NULL AS r_present, d.rowid IS NOT NULL AS d_present");
    for (String name : columns) {
      pairs.append(", r.").append(name).append(" AS r_").append(name).append(", d.").append(name).append(" AS d_").append(name);
    }
    String query = select + " FROM (SELECT " + pairs + " FROM r FULL OUTER JOIN d ON " + join + ")";
    long rapportRows = count(st, "r");
    long referenceRows = count(st, "d");
    try (ResultSet rs = st.executeQuery(query)) {
      rs.next();
      Map<String, Long> differing = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        differing.put(columns.get(i), rs.getLong(3 + i));
      }
      return new TableDiff(table, rapportRows, referenceRows, rs.getLong(1), rs.getLong(2), differing);
    }
  }

  private static long count(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String sql(Path p) {
    return p.toAbsolutePath().toString().replace("'", "''");
  }
}
