package io.rapport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rapport.catalog.Catalog;
import io.rapport.marts.CustomerFacts;
import io.rapport.warehouse.SqlDdl;
import io.rapport.warehouse.WarehouseLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rapport sql duckdb} on the warehouse of a real run of the bundled samples: the printed
 * script runs in DuckDB as it is, and every view answers.
 */
class SqlDuckDbTest {
  @TempDir Path temp;

  @Test
  void thePrintedScriptRunsInDuckDbAndEveryViewAnswers() throws Exception {
    ReportSampleRun run = ReportSampleRun.get();
    ReportSampleRun.Output out = ReportSampleRun.execute("sql", "duckdb", "--config", run.config.toString());
    assertEquals(0, out.exitCode(), out.stdout());

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      runScript(duck, out.stdout());

      List<String> expectedViews = new ArrayList<>(List.of(SqlDdl.RUNS_VIEW));
      for (String table : Catalog.publishedNames()) {
        expectedViews.add(table);
        expectedViews.add(table + SqlDdl.LATEST_SUFFIX);
      }
      assertEquals(new TreeSet<>(expectedViews),
          new TreeSet<>(strings(duck, "SELECT view_name FROM duckdb_views() WHERE NOT internal")));
      for (String table : Catalog.publishedNames()) {
        long rows = single(duck, "SELECT count(*) FROM " + table);
        assertTrue(rows > 0, table + " is empty");
        List<String> latest = strings(duck, "SELECT DISTINCT CAST(as_of_date AS VARCHAR) FROM " + table + "_latest");
        assertEquals(List.of(ReportSampleRun.AS_OF), latest, table + "_latest");
        assertEquals(rows, single(duck, "SELECT count(*) FROM " + table + "_latest"), table + " has one date only");
      }
      // The growth tables (#17) are views too, and their bridge ends at kpi_monthly's net revenue in SQL as well.
      for (String growth : List.of("customer_lifecycle_monthly", "revenue_bridge_monthly", "customer_monthly")) {
        assertTrue(expectedViews.contains(growth), growth + " is not in the catalog");
      }
      assertEquals(0, single(duck, "SELECT count(*) FROM revenue_bridge_monthly_latest b FULL JOIN kpi_monthly_latest k"
          + " USING (month) WHERE b.ending_net_revenue IS DISTINCT FROM k.net_revenue"));
      // Columns: the table's declared schema, then the partition column, typed as a date.
      List<String> columns = strings(duck, "SELECT column_name FROM (DESCRIBE customer_facts)");
      List<String> expected = new ArrayList<>(Arrays.asList(CustomerFacts.TABLE.schema().fieldNames()));
      expected.add("as_of_date");
      assertEquals(expected, columns);
      assertEquals(List.of("DATE"), strings(duck, "SELECT column_type FROM (DESCRIBE customer_facts) WHERE column_name = 'as_of_date'"));
    }
  }

  @Test
  void latestViewsFollowLaterRunsWithoutNewDdl() throws Exception {
    ReportSampleRun run = ReportSampleRun.get();
    Path copy = temp.resolve("warehouse");
    ReportSampleRun.copyTree(run.warehouse, copy);
    String script = SqlDdl.duckdb(SqlDdl.inspect(new Configuration(), new WarehouseLayout(copy.toString()), io.rapport.catalog.Catalog.PUBLISHED));
    Path september = copy.resolve("churn_monthly/as_of_date=2025-09-30");

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      runScript(duck, script);
      assertEquals(List.of(ReportSampleRun.AS_OF), strings(duck, "SELECT DISTINCT CAST(as_of_date AS VARCHAR) FROM churn_monthly_latest"));

      // A later date being published: its files are there, its manifest not yet.
      ReportSampleRun.copyTree(copy.resolve("churn_monthly/as_of_date=" + ReportSampleRun.AS_OF), september);
      assertEquals(2, single(duck, "SELECT count(DISTINCT as_of_date) FROM churn_monthly"));
      assertEquals(List.of(ReportSampleRun.AS_OF), strings(duck, "SELECT DISTINCT CAST(as_of_date AS VARCHAR) FROM churn_monthly_latest"),
          "a date without a manifest is not complete");

      // Its manifest lands: the same views now read it.
      Path manifest = copy.resolve("_runs/as_of_date=2025-09-30/manifest.json");
      Files.createDirectories(manifest.getParent());
      Files.copy(copy.resolve("_runs/as_of_date=" + ReportSampleRun.AS_OF + "/manifest.json"), manifest);
      assertEquals(List.of("2025-09-30"), strings(duck, "SELECT DISTINCT CAST(as_of_date AS VARCHAR) FROM churn_monthly_latest"));
      assertEquals(List.of(LocalDate.parse(ReportSampleRun.AS_OF).toString(), "2025-09-30"),
          strings(duck, "SELECT CAST(as_of_date AS VARCHAR) FROM rapport_runs ORDER BY 1"));
    }
  }

  @Test
  void aWarehouseWithoutTablesIsAUsageError() throws Exception {
    Path config = ReportSampleRun.sampleConfig(temp, temp.resolve("empty-warehouse"));

    ReportSampleRun.Output out = ReportSampleRun.execute("sql", "duckdb", "--config", config.toString());

    assertEquals(2, out.exitCode());
    assertEquals("", out.stdout());
  }

  /** The script as a user pipes it into the duckdb shell: statement by statement. */
  static void runScript(Connection connection, String script) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : script.split(";\n")) {
        String body = sql.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n").strip();
        if (!body.isEmpty()) {
          statement.execute(body);
        }
      }
    }
  }

  static List<String> strings(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  static long single(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
